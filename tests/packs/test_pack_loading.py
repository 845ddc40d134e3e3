"""Packs are found by name through entry points; a missing or broken one is one sentence."""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import EntryPoint

import pytest
from typer.testing import CliRunner

from relaydesk.cli.main import app
from relaydesk.pack import API_VERSION, PackError, installed_packs, load_pack
from relaydesk.packs.paylater.pack import PaylaterPack

GROUP = "relaydesk.packs"
PAYLATER = EntryPoint("paylater", "relaydesk.packs.paylater.pack:paylater_pack", GROUP)


def old_contract_pack() -> PaylaterPack:
    return replace(PaylaterPack(), api_version=API_VERSION + 1)


def renamed_pack() -> PaylaterPack:
    return replace(PaylaterPack(), name="someone-else")


class HalfAPack:
    name = "half"
    api_version = API_VERSION


def entry(name: str, target: str) -> EntryPoint:
    return EntryPoint(name, f"{__name__}:{target}", GROUP)


def test_the_demo_company_is_installed_as_a_pack_like_any_other() -> None:
    found = {pack.name: pack for pack in installed_packs()}
    assert found["paylater"].distribution == "relaydesk"
    assert found["paylater"].target == "relaydesk.packs.paylater.pack:paylater_pack"


def test_a_pack_is_loaded_by_its_name_and_satisfies_the_contract() -> None:
    pack = load_pack("paylater", [PAYLATER])
    assert pack.name == "paylater"
    assert pack.branding.company_name == "Paylater"


def test_with_one_pack_installed_no_choice_is_needed() -> None:
    assert load_pack(None, [PAYLATER]).name == "paylater"


def test_an_unknown_name_lists_the_packs_that_are_installed() -> None:
    with pytest.raises(PackError) as error:
        load_pack("retail", [PAYLATER, entry("half", "HalfAPack")])
    assert str(error.value) == (
        "No pack named 'retail' is installed; installed packs: half, paylater."
    )


def test_several_packs_and_no_choice_ask_for_relaydesk_pack() -> None:
    with pytest.raises(PackError, match=r"Several packs are installed \(half, paylater\)"):
        load_pack(None, [PAYLATER, entry("half", "HalfAPack")])


def test_a_pack_whose_import_fails_names_itself_and_the_failure() -> None:
    broken = EntryPoint("broken", "relaydesk_no_such_pack.pack:pack", GROUP)
    with pytest.raises(PackError) as error:
        load_pack("broken", [broken])
    message = str(error.value)
    assert message.startswith("The pack 'broken' from an unknown distribution")
    assert "failed to load: ModuleNotFoundError" in message


def test_a_pack_written_for_another_contract_version_is_refused() -> None:
    with pytest.raises(PackError, match="written for pack contract version 2"):
        load_pack("paylater", [entry("paylater", "old_contract_pack")])


def test_a_pack_missing_parts_of_the_contract_names_them() -> None:
    with pytest.raises(PackError, match="lacks branding, data_dir, knowledge_dir"):
        load_pack("half", [entry("half", "HalfAPack")])


def test_a_pack_must_call_itself_what_it_is_registered_as() -> None:
    with pytest.raises(PackError, match="calls itself 'someone-else'"):
        load_pack("paylater", [entry("paylater", "renamed_pack")])


def test_one_name_from_two_distributions_is_refused() -> None:
    twice = [PAYLATER, entry("paylater", "renamed_pack")]
    with pytest.raises(PackError, match="installed twice"):
        load_pack("paylater", twice)


def test_packs_list_shows_name_version_and_distribution() -> None:
    result = CliRunner().invoke(app, ["packs", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "paylater" in line)
    assert "relaydesk" in row and "0.1.0" in row


def test_serving_an_unknown_pack_exits_2_with_one_sentence(tmp_path: object) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--data-dir", str(tmp_path)], env={"RELAYDESK_PACK": "nope"}
    )
    assert result.exit_code == 2
    assert "No pack named 'nope' is installed; installed packs: paylater" in result.output
