"""The widget's assets and the demo shop page, served by the app (no browser needed)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from relaydesk.api.app import create_app
from relaydesk.api.customer_auth import identity_matches
from relaydesk.assistant.turn import AcknowledgingAssistant
from relaydesk.settings import Settings

WIDGET_DIR = Path(__file__).resolve().parents[2] / "src" / "relaydesk" / "web" / "widget"
REQUIRED_LANGUAGES = {
    "en", "sv", "de", "es", "fr", "it", "nl", "da", "fi", "pl", "pt", "nb", "ja", "zh", "ko",
    "ar", "he", "hi", "tr", "ru", "uk", "cs", "sk", "ro", "hu", "el", "th", "vi", "id", "bg",
    "hr", "sl", "lt", "lv", "et",
}  # fmt: skip
SECRET = "assets-test-identity-secret"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("widget-assets")
    settings = Settings(
        data_dir=data_dir, environment="test", identity_secret=SECRET, demo_shop=True
    )
    with TestClient(create_app(settings, AcknowledgingAssistant())) as test_client:
        yield test_client


def labels(language: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((WIDGET_DIR / "i18n" / f"{language}.json").read_text())
    return loaded


def test_the_widget_labels_exist_in_every_required_language_with_the_same_keys() -> None:
    english = labels("en")
    languages = {path.stem for path in (WIDGET_DIR / "i18n").glob("*.json")}
    assert languages >= REQUIRED_LANGUAGES
    for language in languages:
        translated = labels(language)
        assert set(translated) == set(english), language
        assert all(value.strip() for value in translated.values()), language
        for key, value in english.items():
            placeholders = set(re.findall(r"\{\w+\}", value))
            assert set(re.findall(r"\{\w+\}", translated[key])) == placeholders, (language, key)


def script_list(name: str) -> set[str]:
    found = re.search(rf"var {name} = \[([^\]]*)\]", (WIDGET_DIR / "widget.js").read_text())
    assert found is not None, name
    return set(re.findall(r'"([a-z]{2})"', found.group(1)))


def test_the_script_offers_exactly_the_languages_it_has_labels_for() -> None:
    assert script_list("SUPPORTED") == {path.stem for path in (WIDGET_DIR / "i18n").glob("*.json")}


def test_arabic_and_hebrew_are_the_right_to_left_languages() -> None:
    assert script_list("RIGHT_TO_LEFT") == {"ar", "he"}


def test_the_english_labels_built_into_the_script_match_the_english_file() -> None:
    script = (WIDGET_DIR / "widget.js").read_text()
    for key, value in labels("en").items():
        assert f'{key}: "{value}"' in script, key


def test_the_script_styles_and_labels_are_served(client: TestClient) -> None:
    script = client.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    for part in ("view", "chat", "transport"):
        assert client.get(f"/widget/{part}.js").status_code == 200
    assert client.get("/widget.css").headers["content-type"].startswith("text/css")
    assert client.get("/widget/i18n/sv.json").json()["talk_to_person"] == "Prata med en person"


@pytest.mark.parametrize(
    "path", ["/widget/i18n/xx.json", "/widget/i18n/..%2Fwidget.json", "/widget/secret.js"]
)
def test_unknown_widget_files_are_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message"}


def script_tag_attributes(page: str) -> dict[str, str]:
    tag = re.search(r"<script src=[^>]*widget\.js[^>]*>", page)
    assert tag is not None
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag.group(0)))


def test_the_demo_shop_signs_in_alice_with_a_valid_identity_signature(client: TestClient) -> None:
    page = client.get("/shop")
    assert page.status_code == 200
    assert "Paylater demo shop" in page.text
    assert "Signed in as Alice Andersson" in page.text
    attributes = script_tag_attributes(page.text)
    assert attributes["data-customer-ref"] == "cust-alice"
    assert identity_matches(SECRET, "cust-alice", attributes["data-customer-signature"])
    assert attributes["data-relaydesk-url"] == "http://testserver"
    assert "data-language" not in attributes  # Alice's widget follows her browser


def test_the_demo_shop_signs_in_sven_in_swedish_or_a_visitor_without_identity(
    client: TestClient,
) -> None:
    sven = script_tag_attributes(client.get("/shop?customer=cust-sven").text)
    assert sven["data-customer-ref"] == "cust-sven"
    assert identity_matches(SECRET, "cust-sven", sven["data-customer-signature"])
    assert sven["data-language"] == "sv"
    visitor = client.get("/shop?anonymous=1").text
    assert "Browsing as a visitor" in visitor
    assert "data-customer-ref" not in script_tag_attributes(visitor)


def test_the_demo_shop_refuses_customers_it_does_not_know(client: TestClient) -> None:
    response = client.get("/shop?customer=cust-00001")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
