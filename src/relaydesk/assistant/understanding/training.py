"""A pack's training examples, their content hash, and the cached classifier trained from them."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import yaml

from relaydesk.assistant.embeddings import Embedder
from relaydesk.assistant.understanding.cascade import CascadeClassifier, train_cascade
from relaydesk.assistant.understanding.classifier import ClassifierSettings
from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE, DatasetError, Example
from relaydesk.assistant.understanding.embedding_cache import embedder_name

MODEL_VERSION = "13"  # bump when features or model change, so old caches are not reused
PACK_OUT_OF_SCOPE = "out_of_scope"  # how packs and test sets spell it
# libyaml's safe loader where PyYAML was built with it: a tenth of the pure-Python one's time
# (65 against 6 ms for the demo pack's examples, which every start reads for its greetings)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def training_files(pack_dir: Path) -> list[Path]:
    return sorted((pack_dir / "training").glob("*.y*ml"))


def load_pack_examples(pack_dir: Path) -> list[Example]:
    """All examples of a pack: files with `intent` + `examples`, or `intents` of several."""
    files = training_files(pack_dir)
    if not files:
        raise DatasetError(f"{pack_dir} has no training/*.yaml files.")
    examples: list[Example] = []
    for path in files:
        examples.extend(_examples_in(path))
    return examples


def _examples_in(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as handle:
        document: Any = yaml.load(handle, Loader=_SAFE_LOADER) or {}
    if "intents" in document:
        groups = dict(document["intents"])
    elif "intent" in document:
        groups = {document["intent"]: document.get("examples", {})}
    else:
        raise DatasetError(f"{path} has neither 'intent' nor 'intents'.")
    examples: list[Example] = []
    for intent, by_language in groups.items():
        label = OUT_OF_SCOPE if intent == PACK_OUT_OF_SCOPE else str(intent)
        for language, texts in dict(by_language).items():
            examples.extend(Example(str(text), label, str(language)) for text in texts or [])
    return examples


def content_hash(pack_dir: Path, settings: ClassifierSettings, embedder_name: str) -> str:
    """Changes whenever the examples, the model settings or the embedder change."""
    digest = hashlib.sha256(f"{MODEL_VERSION}|{settings}|{embedder_name}".encode())
    for path in training_files(pack_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_embedders_name(embedder: Embedder, light_embedder: Embedder | None) -> str:
    """Names both embedders, so a model trained with other vectors is never loaded."""
    if light_embedder is None:
        return embedder_name(embedder)
    return f"{embedder_name(embedder)}+{embedder_name(light_embedder)}"


def train_classifier(
    examples: list[Example],
    embedder: Embedder,
    settings: ClassifierSettings | None = None,
    light_embedder: Embedder | None = None,
) -> CascadeClassifier:
    return train_cascade(
        [e.text for e in examples], [e.intent for e in examples], embedder, settings, light_embedder
    )


def load_or_train(
    pack_dir: Path,
    cache_dir: Path,
    embedder: Embedder,
    embedder_name: str,
    settings: ClassifierSettings | None = None,
    light_embedder: Embedder | None = None,
) -> tuple[CascadeClassifier, Path]:
    """The cached model for this exact pack content, trained and stored first if missing.
    `embedder_name` names every embedder the model was trained with."""
    settings = settings or ClassifierSettings()
    key = content_hash(pack_dir, settings, embedder_name)
    path = cache_dir / "understanding" / f"{pack_dir.name}-{key}.pickle"
    classifier = _read_model(path)
    if classifier is None:
        examples = load_pack_examples(pack_dir)
        classifier = train_classifier(examples, embedder, settings, light_embedder)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own: several processes (test workers, servers) may train at once.
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(classifier))
        temporary.replace(path)
    classifier.attach(embedder, light_embedder)
    return classifier, path


def _read_model(path: Path) -> CascadeClassifier | None:
    # only files this module wrote under the operator's own cache directory are unpickled
    try:
        model = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return model if isinstance(model, CascadeClassifier) else None
