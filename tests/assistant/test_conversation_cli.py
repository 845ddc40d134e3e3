"""`relaydesk test conversations PATH`: its summary, its exit codes and its one-sentence errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from relaydesk.cli.main import app
from support.services import shared_cache_dir

PASSING = """
- name: the next payment is answered
  customer_ref: cust-alice
  steps:
    - customer: when is my next payment?
      expect: {tool: next_payment, reply_contains: "ORD-100001"}
"""

FAILING = """
- name: the next payment is answered
  customer_ref: cust-alice
  steps:
    - customer: when is my next payment?
      expect: {tool: next_payment}
- name: a wrong expectation
  customer_ref: cust-alice
  steps:
    - customer: when is my next payment?
      expect: {reply_contains: "ORD-999999", state: queued}
"""


def run(path: Path, tmp_path: Path) -> Result:
    environment = {
        "RELAYDESK_DATA_DIR": str(tmp_path / "data"),
        "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
        "COLUMNS": "200",
    }
    return CliRunner().invoke(app, ["test", "conversations", str(path)], env=environment)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_passing_file_exits_0_with_a_summary(tmp_path: Path) -> None:
    result = run(write(tmp_path, "ok.yaml", PASSING), tmp_path)
    assert result.exit_code == 0, result.output
    assert "the next payment is answered" in result.stdout
    assert "1 passed, 0 failed" in result.stdout


def test_a_failing_file_exits_1_and_names_the_failing_case_and_why(tmp_path: Path) -> None:
    result = run(write(tmp_path, "bad.yaml", FAILING), tmp_path)
    assert result.exit_code == 1, result.output
    assert "a wrong expectation" in result.stdout
    assert "ORD-999999" in result.stdout
    assert "owner is assistant, expected queued" in result.stdout
    assert "1 passed, 1 failed" in result.stdout


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "There is no file or folder at"),
        ("- name: x\n  steps: [\n", "line 3:"),
        ("- name: x\n  steps:\n    - customer: hi\n      expect: {reply_contain: x}\n",
         "steps.0.expect.reply_contain: Extra inputs are not permitted"),
        ("- name: x\n  broken_tools: {next_payment: melts}\n  steps: [{customer: hi}]\n",
         "broken_tools.next_payment"),
    ],
    ids=["missing path", "malformed YAML", "unknown expectation", "unknown breakage"],
)  # fmt: skip
def test_a_wrong_path_or_file_exits_2_with_one_sentence(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    path = tmp_path / "case.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(path, tmp_path)
    assert result.exit_code == 2, result.output
    assert problem in result.stderr
    sentence = result.stderr.strip()
    assert sentence.startswith("error: ") and sentence.endswith(".")
    assert len(sentence.splitlines()) == 1
    assert result.stdout == ""


def test_a_folder_without_test_files_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path, tmp_path)
    assert result.exit_code == 2
    assert "No conversation test files" in result.stderr
