"""`relaydesk packs new` writes a pack that installs with pip and passes its own tests at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relaydesk.cli.main import app
from support.services import shared_cache_dir

RELAYDESK = [sys.executable, "-m", "relaydesk"]


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_a_new_pack_installed_with_pip_is_listed_and_passes_its_conversation_tests(
    tmp_path: Path,
) -> None:
    made = CliRunner().invoke(app, ["packs", "new", "acme", "--path", str(tmp_path)])
    assert made.exit_code == 0, made.output
    site = tmp_path / "site"  # a real install, kept out of the shared environment
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    installed = run(
        [*pip, "--target", str(site), str(tmp_path / "acme")], dict(os.environ), tmp_path
    )
    assert installed.returncode == 0, installed.stderr
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "RELAYDESK_PACK": "acme",
        "RELAYDESK_DATA_DIR": str(tmp_path / "var"),
        "RELAYDESK_CACHE_DIR": str(shared_cache_dir()),
        "COLUMNS": "200",
    }
    listed = run([*RELAYDESK, "packs", "list"], env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    acme = next(line for line in listed.stdout.splitlines() if "acme" in line)
    assert "relaydesk-acme" in acme and "0.1.0" in acme and "yes" in acme
    conversations = tmp_path / "acme" / "tests" / "conversations"
    tested = run([*RELAYDESK, "test", "conversations", str(conversations)], env, tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "3 passed, 0 failed" in tested.stdout
    own_test = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_pack.py"],
        env,
        tmp_path / "acme",
    )
    assert own_test.returncode == 0, own_test.stdout + own_test.stderr


def test_a_new_pack_never_overwrites_a_folder(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    result = CliRunner().invoke(app, ["packs", "new", "acme", "--path", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert list((tmp_path / "acme").iterdir()) == []


def test_a_pack_name_that_cannot_be_a_package_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["packs", "new", "Acme Shop", "--path", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot name a pack" in result.output
    assert list(tmp_path.iterdir()) == []
