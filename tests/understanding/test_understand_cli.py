from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from relaydesk.assistant.understanding import Understander
from relaydesk.cli.understand import register
from understanding.understanding_support import PACK_DIR


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """A stand-in for the real entry point."""

    register(application)
    return application


def test_that_understand_prints_json_per_text(
    app: typer.Typer, understander: Understander, model_cache: Path
) -> None:
    # the session fixture trained the model into model_cache, so this only loads it
    result = CliRunner().invoke(
        app,
        ["understand", "--pack", str(PACK_DIR), "--cache-dir", str(model_cache), "--json",
         "I want to talk to a human", "Where is my refund RF-123456?"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["wants_human"] for row in rows] == [True, False]
    assert rows[1]["entities"][0]["value"] == "RF-123456"
    assert {"language", "intent", "confidence", "out_of_scope", "frustration"} <= set(rows[0])


def write_banking_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows)


def test_that_eval_intents_reports_accuracy_and_latency(app: typer.Typer, tmp_path: Path) -> None:
    phrases = {
        "card_arrival": ["where is my card", "card not arrived", "my card has not come"],
        "top_up": ["top up my account", "add money", "how to top up"],
        "exchange_rate": ["what exchange rate", "rate for euros", "currency rate today"],
    }
    rows = [(f"{text} {n}", intent) for intent, texts in phrases.items()
            for text in texts for n in range(4)]  # fmt: skip
    write_banking_csv(tmp_path / "train.csv", rows)
    write_banking_csv(tmp_path / "test.csv", rows[::5])
    result = CliRunner().invoke(
        app,
        ["eval", "intents", "--train", str(tmp_path / "train.csv"),
         "--test", str(tmp_path / "test.csv"), "--no-embeddings", "--json",
         "--cache-dir", str(tmp_path / "cache")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["accuracy"] >= 0.9
    assert report["out_of_scope_recall"] is None
    assert report["latency_p99_ms"] >= report["latency_p50_ms"] > 0


def test_that_eval_intents_can_score_on_a_share_of_the_training_data(
    app: typer.Typer, tmp_path: Path
) -> None:
    phrases = [("pay", "pay my bill"), ("refund", "my refund"), ("card", "lost card")]
    rows = [(f"{text} {n}", intent) for intent, text in phrases for n in range(10)]
    write_banking_csv(tmp_path / "train.csv", rows)
    result = CliRunner().invoke(
        app,
        ["eval", "intents", "--train", str(tmp_path / "train.csv"),
         "--test", str(tmp_path / "train.csv"), "--no-embeddings", "--json",
         "--validation-share", "0.2", "--cache-dir", str(tmp_path / "cache")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["train_examples"], report["test_examples"]) == (24, 6)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["eval", "intents", "--train", "/no/such.csv", "--test", "/no/such.csv"], "does not"),
        (["understand", "--pack", "no-such-pack", "hello"], "No pack named 'no-such-pack'"),
        (["train", "--pack", "no-such-pack"], "installed packs: "),
    ],
)
def test_that_bad_arguments_exit_with_code_2_and_one_sentence(
    app: typer.Typer, arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("train_rows", "test_rows", "message"),
    [
        ([], [("hi", "greet")], "at least two intents; it has 0"),
        ([("hi", "greet"), ("hello", "greet")], [("hi", "greet")], "it has 1"),
        ([("hi", "greet"), ("bye", "leave")], [], "The test data has no examples"),
    ],
)
def test_that_unusable_data_exits_with_code_2_and_one_sentence(
    app: typer.Typer,
    tmp_path: Path,
    train_rows: list[tuple[str, str]],
    test_rows: list[tuple[str, str]],
    message: str,
) -> None:
    files = {}
    for name, rows in {"train": train_rows, "test": test_rows}.items():
        files[name] = tmp_path / f"{name}.csv"
        with files[name].open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([("text", "category"), *rows])
    arguments = ["eval", "intents", "--train", str(files["train"]), "--test", str(files["test"])]
    result = CliRunner().invoke(app, [*arguments, "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_that_understand_runs_e5_on_the_engine_the_settings_name(
    app: typer.Typer, model_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["understand", "--pack", str(PACK_DIR), "--cache-dir", str(model_cache), "--json"]
    # a Spanish fee question: the fast paths leave it to the full model, which reads e5
    text = "Hola, ¿Cuánto cuesta si pago tarde?"
    monkeypatch.setenv("RELAYDESK_E5_ENGINE", "onnx")
    result = CliRunner().invoke(app, [*args, text])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["intent"] == "explain_fee"
    monkeypatch.setenv("RELAYDESK_E5_ENGINE", "gpu")
    refused = CliRunner().invoke(app, [*args, text])
    assert refused.exit_code == 2
    assert "e5_engine is invalid" in refused.output
