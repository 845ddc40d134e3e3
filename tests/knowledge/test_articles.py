"""The demo pack's help centre is complete, consistent and well-formed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from relaydesk.assistant.knowledge import ArticleFormatError, load_articles
from relaydesk.assistant.knowledge.articles import parse_article

TRANSLATED = ("sv", "de", "es", "fr", "it", "nl")


def test_the_help_centre_has_forty_english_articles_and_fifteen_in_each_other_language(
    articles_folder: Path,
) -> None:
    per_language = Counter(article.language for article in load_articles(articles_folder))
    assert per_language["en"] >= 40
    for language in TRANSLATED:
        assert per_language[language] >= 15, language


def test_every_article_lives_at_help_language_id_and_in_its_language_folder(
    articles_folder: Path,
) -> None:
    for path in articles_folder.rglob("*.md"):
        article = parse_article(path.read_text(encoding="utf-8"), str(path))
        assert article.url == f"/help/{article.language}/{article.id}"
        assert path.parent.name == article.language
        assert path.stem == article.id


def test_every_article_is_short_enough_to_read_on_a_phone(articles_folder: Path) -> None:
    for article in load_articles(articles_folder):
        words = len(article.body.split())
        assert 60 <= words <= 200, (article.url, words)


def test_every_translation_has_an_english_original_with_the_same_id(articles_folder: Path) -> None:
    articles = load_articles(articles_folder)
    english = {a.id for a in articles if a.language == "en"}
    assert {a.id for a in articles} <= english


def test_an_article_without_front_matter_is_refused() -> None:
    with pytest.raises(ArticleFormatError, match="no front matter"):
        parse_article("# Fees\n\nNo fees.")


def test_an_article_missing_its_url_is_refused() -> None:
    with pytest.raises(ArticleFormatError, match="url"):
        parse_article("---\nid: fees\ntitle: Fees\nlanguage: en\n---\nNo fees.")


def test_two_articles_with_the_same_id_and_language_are_refused(tmp_path: Path) -> None:
    source = "---\nid: fees\ntitle: Fees\nurl: /help/en/fees\nlanguage: en\n---\nNo fees.\n"
    (tmp_path / "a.md").write_text(source)
    (tmp_path / "b.md").write_text(source)
    with pytest.raises(ArticleFormatError, match="duplicate"):
        load_articles(tmp_path)
