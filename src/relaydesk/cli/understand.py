"""`relaydesk understand`, `relaydesk train` and `relaydesk eval intents|multilingual`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from relaydesk.cli.common import console, fail, settings_or_exit

if TYPE_CHECKING:
    from relaydesk.assistant.understanding.entities import ReferencePattern

PackOption = Annotated[
    str | None, typer.Option("--pack", help="Domain pack name or directory (default: settings).")
]
CacheOption = Annotated[
    Path | None, typer.Option("--cache-dir", help="Where models and embeddings are cached.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


class DataFormat(StrEnum):
    banking77 = "banking77"
    clinc150 = "clinc150"
    examples = "examples"  # a YAML list of {text, intent, language}


def register(app: typer.Typer) -> None:
    """Adds `understand`, `train` and the `eval` group to the main application."""
    app.command("understand")(understand)
    app.command("train")(train)
    from relaydesk.cli.tasks import eval_tasks

    eval_app = typer.Typer(
        help="Measure understanding on labelled data, or a pack's scripted tasks.",
        no_args_is_help=True,
    )
    eval_app.command("intents")(eval_intents)
    eval_app.command("multilingual")(eval_multilingual)
    eval_app.command("tasks")(eval_tasks)
    app.add_typer(eval_app, name="eval")


def understand(
    texts: Annotated[list[str], typer.Argument(help="Customer messages to understand.")],
    pack: PackOption = None,
    cache_dir: CacheOption = None,
    language: Annotated[
        str | None, typer.Option("--language", help="The conversation's language so far.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Print language, intent, confidence, out-of-scope, entities, frustration and wants_human."""
    from relaydesk.assistant.understanding import load_understander

    pack_dir, cache = _pack_dir(pack), _cache_dir(cache_dir)
    with console.status("Loading the understanding model..."):
        understander = load_understander(pack_dir, cache, _e5(), references=_references(pack))
    results = [understander.understand(text, conversation_language=language) for text in texts]
    if as_json:
        console.print_json(json.dumps([asdict(result) for result in results], ensure_ascii=False))
        return
    table = Table("text", "lang", "intent", "conf", "oos", "entities", "frustr.", "human")
    for r in results:
        entities = ", ".join(f"{e.kind}={e.value}" for e in r.entities)
        table.add_row(
            r.text[:60], r.language, r.intent or "-", f"{r.confidence:.2f}",
            str(r.out_of_scope), entities, f"{r.frustration:.2f}", str(r.wants_human),
        )  # fmt: skip
    console.print(table)


def train(
    pack: PackOption = None,
    cache_dir: CacheOption = None,
    write_prepared: Annotated[
        bool,
        typer.Option(
            "--write-prepared",
            help="Also write the pack's sentence and article vectors into its prepared/ "
            "folder, shipped so that a first start need not compute them.",
        ),
    ] = False,
) -> None:
    """Train the pack's intent classifier (deterministic) and cache it by content hash."""
    from relaydesk.assistant.preparation import PREPARED_DIR
    from relaydesk.assistant.understanding.classifier import ClassifierSettings
    from relaydesk.assistant.understanding.training import (
        load_or_train,
        load_pack_examples,
        model_embedders_name,
    )

    pack_dir, cache = _pack_dir(pack), _cache_dir(cache_dir)
    examples = _or_fail(lambda: load_pack_examples(pack_dir))
    embedder, light = _embedders(ClassifierSettings().cascade_uses_light_embedder)
    with _progress() as advance:
        cached = _disk_cached((embedder, light), cache, advance, pack_dir / PREPARED_DIR)
        classifier, path = load_or_train(
            pack_dir, cache, cached[0], model_embedders_name(embedder, light),
            light_embedder=cached[1],
        )  # fmt: skip
        if write_prepared:
            _write_prepared(pack_dir, cache, [example.text for example in examples], cached[0])
    languages = len({example.language for example in examples})
    console.print(
        f"Trained on {len(examples)} examples in {languages} languages, "
        f"{len(classifier.intents)} intents; model: {path}"
    )


def _write_prepared(pack_dir: Path, cache: Path, sentences: list[str], embedder: Any) -> None:
    """The vectors a first start would compute, written where the pack's loaders read them."""
    from relaydesk.assistant.knowledge import KnowledgeBase
    from relaydesk.assistant.preparation import PREPARED_DIR

    written = [embedder.write_prepared(sentences, "query", pack_dir / PREPARED_DIR)]
    if (pack_dir / "knowledge").is_dir():
        knowledge = KnowledgeBase.load(pack_dir / "knowledge", embedder.inner, cache / "knowledge")
        written.append(knowledge.write_prepared(pack_dir / "knowledge"))
    console.print("Prepared vectors written: " + ", ".join(str(path) for path in written))


def eval_intents(
    train_file: Annotated[Path, typer.Option("--train", help="Training data file.")],
    test_file: Annotated[Path, typer.Option("--test", help="Test data file.")],
    data_format: Annotated[DataFormat, typer.Option("--format")] = DataFormat.banking77,
    shots: Annotated[
        int | None, typer.Option("--shots", min=1, help="Train on K examples per intent.")
    ] = None,
    embed_as: Annotated[str, typer.Option("--embed-as", help="query, passage or both.")] = "query",
    embeddings: Annotated[bool, typer.Option(help="Use sentence embeddings.")] = True,
    ngrams: Annotated[bool, typer.Option(help="Use word and character n-grams.")] = True,
    embedding_weight: Annotated[float, typer.Option(min=0.0)] = 2.0,
    light_weight: Annotated[
        float, typer.Option(min=0.0, help="Weight of the USE-multilingual vectors (0: none).")
    ] = 0.0,
    regularisation: Annotated[float, typer.Option("--regularisation", min=1e-6)] = 10.0,
    linear_model: Annotated[str, typer.Option("--model", help="logistic or svm.")] = "logistic",
    oos_objective: Annotated[
        str,
        typer.Option("--oos-objective", help="Threshold maximises: accuracy, balanced or recall."),
    ] = "accuracy",
    oos_recall: Annotated[
        float, typer.Option("--oos-recall", min=0.0, max=1.0, help="Recall for 'recall'.")
    ] = 0.9,
    oos_score: Annotated[
        str, typer.Option("--oos-score", help="Threshold on: probability or neighbours.")
    ] = "probability",
    tune_epochs: Annotated[
        int,
        typer.Option(
            "--tune-epochs",
            min=0,
            help="Also fine-tune e5 for N epochs and blend it in (needs the 'tuning' extra).",
        ),
    ] = 0,
    tune_rate: Annotated[float, typer.Option("--tune-rate", min=1e-7, max=1e-2)] = 1e-4,
    limit: Annotated[int | None, typer.Option(min=1, help="Use the first N test items.")] = None,
    validation_share: Annotated[
        float | None,
        typer.Option(
            "--validation-share",
            min=0.01,
            max=0.5,
            help="Score on this stratified share of --train (seed 0) instead of --test.",
        ),
    ] = None,
    cache_dir: CacheOption = None,
    as_json: JsonOption = False,
) -> None:
    """Train a fresh classifier on --train and report accuracy, macro-F1, out-of-scope recall
    and precision, calibration and latency per message on --test."""
    from relaydesk.assistant.understanding.classifier import ClassifierSettings
    from relaydesk.assistant.understanding.datasets import few_shot
    from relaydesk.assistant.understanding.evaluation import evaluate_intents

    if embed_as not in {"query", "passage", "both"} or linear_model not in {"logistic", "svm"}:
        fail("--embed-as must be query, passage or both, and --model logistic or svm.")
    if oos_objective not in {"accuracy", "balanced", "recall"}:
        fail("--oos-objective must be accuracy, balanced or recall.")
    if oos_score not in {"probability", "neighbours"}:
        fail("--oos-score must be probability or neighbours.")
    tuning = _tuning(tune_epochs, tune_rate)  # a missing extra is said before data is read
    train_set, validation, test_set = _load_splits(train_file, test_file, data_format)
    if validation_share is not None:
        train_set, test_set = _split_off(train_set, validation_share)
    train_set = few_shot(train_set, shots) if shots else train_set
    test_set = test_set[:limit] if limit else test_set
    _check_usable(train_set, test_set)
    settings = ClassifierSettings(
        embedding_weight=embedding_weight, regularisation=regularisation, use_ngrams=ngrams,
        use_embeddings=embeddings, embed_as=embed_as, linear_model=linear_model,
        threshold_objective=oos_objective, light_embedding_weight=light_weight,
        out_of_scope_score=oos_score, target_recall=oos_recall,
    )  # fmt: skip
    embedder, light = _embedders(light_weight > 0)
    with _progress() as advance:
        cache = _cache_dir(cache_dir)
        cached = _disk_cached((embedder, light), cache, advance)
        report = evaluate_intents(
            train_set, test_set, cached[0], validation=validation, settings=settings,
            light_embedder=cached[1], latency_embedders=(embedder, light), on_progress=advance,
            tuning=tuning,
        )  # fmt: skip
    _print_mapping("Intent evaluation", report.as_dict(), as_json)


def eval_multilingual(
    test_file: Annotated[Path, typer.Option("--test", help="YAML list of labelled messages.")],
    pack: PackOption = None,
    cache_dir: CacheOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accuracy per language of the pack's model and recall of the ask for a person."""
    from relaydesk.assistant.understanding import load_understander
    from relaydesk.assistant.understanding.datasets import load_examples_yaml
    from relaydesk.assistant.understanding.multilingual import score_multilingual

    examples = _or_fail(lambda: load_examples_yaml(_existing(test_file)))
    pack_dir, cache = _pack_dir(pack), _cache_dir(cache_dir)
    with console.status("Loading the understanding model..."):
        understander = load_understander(pack_dir, cache, _e5())
    with _progress() as advance:
        report = score_multilingual(understander, examples, on_progress=advance)
    _print_mapping("Multilingual evaluation", report, as_json)


def _tuning(epochs: int, rate: float) -> Any:
    """Settings for the fine-tuned encoder, or None; a clear error without torch."""
    if epochs == 0:
        return None
    try:
        from relaydesk.assistant.understanding.tuned_classifier import TuningSettings
    except ImportError as error:
        fail(f"--tune-epochs needs the 'tuning' extra: pip install 'relaydesk[tuning]' ({error}).")
    return TuningSettings(epochs=epochs, learning_rate=rate)


def _embedders(with_light: bool) -> tuple[Any, Any]:
    """e5, and USE-multilingual when the model reads its vectors."""
    from relaydesk.assistant.embeddings import UseEmbedder

    light = UseEmbedder(num_threads=1) if with_light else None
    return _e5(), light


def _e5() -> Any:
    """e5 on the engine the settings name (RELAYDESK_E5_ENGINE), as a server would run it."""
    from relaydesk.assistant.embeddings import e5_embedder

    return e5_embedder(settings_or_exit().e5_engine)


def _split_off(examples: list[Any], share: float) -> tuple[list[Any], list[Any]]:
    """A stratified, seeded part of the training data to choose hyper-parameters on."""
    from sklearn.model_selection import train_test_split

    kept, held = train_test_split(
        examples, test_size=share, random_state=0, stratify=[e.intent for e in examples]
    )
    return list(kept), list(held)


def _disk_cached(
    embedders: tuple[Any, Any],
    cache: Path,
    advance: Callable[[str, int, int], None],
    prepared: Path | None = None,
) -> tuple[Any, Any]:
    """Training and benchmark sentences are embedded once, then read from `cache` (or from
    the vectors a pack ships in `prepared`)."""
    from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder

    def wrap(raw: Any) -> Any:
        on_progress = lambda done, total: advance("embedding", done, total)  # noqa: E731
        return None if raw is None else CachedEmbedder(raw, cache, on_progress, prepared)

    return wrap(embedders[0]), wrap(embedders[1])


def _load_splits(train_file: Path, test_file: Path, data_format: DataFormat) -> Any:
    from relaydesk.assistant.understanding import datasets

    train_path, test_path = _existing(train_file), _existing(test_file)
    if data_format is DataFormat.clinc150:
        return _or_fail(
            lambda: (
                datasets.load_clinc150(train_path, "train"),
                datasets.load_clinc150(train_path, "val"),
                datasets.load_clinc150(test_path, "test"),
            )
        )
    loader = (
        datasets.load_banking77
        if data_format is DataFormat.banking77
        else datasets.load_examples_yaml
    )
    return _or_fail(lambda: (loader(train_path), None, loader(test_path)))


def _check_usable(train_set: list[Any], test_set: list[Any]) -> None:
    """A classifier needs two intents to tell apart and something to be scored on."""
    intents = {example.intent for example in train_set}
    if len(intents) < 2:
        fail(f"The training data needs examples of at least two intents; it has {len(intents)}.")
    if not test_set:
        fail("The test data has no examples.")


def _or_fail(load: Callable[[], Any]) -> Any:
    """Runs a loader; unreadable data ends the command with one sentence and exit code 2."""
    from relaydesk.assistant.understanding.datasets import DatasetError

    try:
        return load()
    except (DatasetError, KeyError, ValueError, OSError) as error:
        reason = str(error).rstrip(".") if isinstance(error, DatasetError) else repr(error)
        fail(f"The data could not be read: {reason}.")


def _existing(path: Path) -> Path:
    if not path.is_file():
        fail(f"The file {path} does not exist.")
    return path


def _pack_dir(pack: str | None) -> Path:
    """A folder given by path, or the data folder of an installed pack given by name."""
    from relaydesk.pack import PackError, load_pack

    name = pack or settings_or_exit().pack
    candidate = Path(name) if name else None
    if candidate is None or not candidate.is_dir():
        try:
            candidate = load_pack(name).data_dir
        except PackError as error:
            fail(str(error))
    if not (candidate / "training").is_dir():
        fail(f"The pack '{name}' has no training directory in {candidate}.")
    return candidate


def _references(pack: str | None) -> tuple[ReferencePattern, ...]:
    """The pack's reference numbers; a pack given as a folder is looked up among the
    installed packs by its data folder (none if no installed pack keeps its data there)."""
    from relaydesk.pack import PackError, installed_packs, load_pack

    if pack is not None and Path(pack).is_dir():
        folder = Path(pack).resolve()
        for installed in installed_packs():
            try:
                loaded = load_pack(installed.name)
            except PackError:
                continue  # a broken pack elsewhere does not stop this command
            if Path(loaded.data_dir).resolve() == folder:
                return tuple(loaded.references)
        return ()
    try:
        return tuple(load_pack(pack or settings_or_exit().pack).references)
    except PackError as error:
        fail(str(error))


def _cache_dir(cache_dir: Path | None) -> Path:
    return cache_dir or settings_or_exit().data_dir / "cache"


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar per stage; yields advance(stage, done, total)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console, transient=True) as progress:
        tasks: dict[str, Any] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield advance


def _print_mapping(title: str, values: dict[str, Any], as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(values, ensure_ascii=False))
        return
    table = Table("measure", "value", title=title)
    for key, value in values.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
        table.add_row(key, shown)
    console.print(table)
