"""Every article URL the assistant may link to is a real, readable, escaped page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from relaydesk.api.help_pages import router
from relaydesk.assistant.knowledge import KnowledgeBase


def _client(knowledge: KnowledgeBase | None) -> TestClient:
    app = FastAPI()
    if knowledge is not None:
        app.state.knowledge = knowledge
    app.include_router(router)
    return TestClient(app)


@pytest.fixture(scope="module")
def lexical(articles_folder: Path) -> KnowledgeBase:
    # The pages need the articles, not their vectors.
    return KnowledgeBase.load(articles_folder, embedder=None)


@pytest.fixture(scope="module")
def client(lexical: KnowledgeBase) -> TestClient:
    return _client(lexical)


def test_every_known_article_url_is_a_page(client: TestClient, lexical: KnowledgeBase) -> None:
    for url in sorted(lexical.known_urls):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")


def test_an_article_page_shows_its_title_and_rendered_body(client: TestClient) -> None:
    response = client.get("/help/en/postpone-a-payment")
    assert "<h1>Can I postpone a payment?</h1>" in response.text
    assert "<strong>Postpone payment</strong>" in response.text
    assert "<li>One postponement per order, for up to 10 days.</li>" in response.text
    assert '<html lang="en">' in response.text


def test_an_article_page_links_to_its_translations(client: TestClient) -> None:
    page = client.get("/help/sv/late-fees").text
    assert '<html lang="sv">' in page
    assert 'href="/help/de/late-fees"' in page
    assert 'href="/help/en/late-fees"' in page
    assert 'href="/help/sv/late-fees"' not in page


def test_an_unknown_article_is_a_json_not_found(client: TestClient) -> None:
    response = client.get("/help/en/free-money")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "There is no such help article."}


def test_an_article_in_a_language_it_was_not_written_in_is_not_found(client: TestClient) -> None:
    assert client.get("/help/pl/late-fees").status_code == 404
    assert client.get("/help/xx").json()["code"] == "not_found"


def test_the_index_lists_every_language_and_links_every_article(client: TestClient) -> None:
    page = client.get("/help").text
    for language in ("en", "sv", "de", "es", "fr"):
        assert f'data-language="{language}"' in page
    assert 'href="/help/fr/open-a-dispute"' in page
    assert "Svenska" in page


def test_a_language_index_lists_only_that_language(client: TestClient) -> None:
    page = client.get("/help/de").text
    assert 'href="/help/de/late-fees"' in page
    assert 'href="/help/en/' not in page


def test_article_text_is_escaped_and_raw_html_is_not_passed_through(tmp_path: Path) -> None:
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "xss.md").write_text(
        "---\nid: xss\ntitle: '<script>alert(1)</script> Fees'\nurl: /help/en/xss\n"
        "language: en\n---\n<img src=x onerror=alert(1)> No fees. [x](javascript:alert(1))\n"
    )
    page = _client(KnowledgeBase.load(tmp_path)).get("/help/en/xss").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<img" not in page
    assert 'href="javascript:' not in page


def test_without_a_knowledge_base_the_help_centre_is_not_found() -> None:
    response = _client(None).get("/help")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
