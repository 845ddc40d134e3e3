"""Snippets quote at most two sentences; vectors are embedded once and reused."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from relaydesk.assistant.embeddings import Vectors
from relaydesk.assistant.knowledge import Article, KnowledgeBase, answer_snippet

POSTPONE = Article(
    id="postpone-a-payment",
    language="en",
    title="Can I postpone a payment?",
    url="/help/en/postpone-a-payment",
    body=(
        "Yes, you can postpone a payment by up to 10 days, once per order. "
        "Open the order in the app and choose **Postpone payment**.\n\n"
        "A few rules apply:\n"
        "- The payment must not be overdue yet.\n"
        "- Payments that are already paid cannot be postponed.\n\n"
        "Later instalments keep their dates."
    ),
)


def test_a_snippet_quotes_the_direct_answer_first() -> None:
    snippet = answer_snippet(POSTPONE, "can I postpone my payment?")
    assert snippet.startswith("Yes, you can postpone a payment by up to 10 days")


def test_a_snippet_picks_the_sentence_that_matches_the_question() -> None:
    snippet = answer_snippet(POSTPONE, "my payment is overdue, can I still postpone it?")
    assert "must not be overdue" in snippet


def test_a_snippet_has_at_most_the_requested_number_of_sentences() -> None:
    assert answer_snippet(POSTPONE, "postpone", max_sentences=1).count(".") == 1
    two = answer_snippet(POSTPONE, "postpone overdue paid instalments dates")
    assert two.count(".") == 2


def test_a_snippet_carries_no_markdown() -> None:
    snippet = answer_snippet(POSTPONE, "which button do I choose in the app")
    assert "**" not in snippet
    assert "Postpone payment" in snippet


class CountingEmbedder:
    """Bag-of-letters vectors: deterministic and cheap, and it counts what it embeds."""

    dim = 26

    def __init__(self) -> None:
        self.embedded = 0

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.embedded += len(texts)
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text.lower():
                if "a" <= char <= "z":
                    rows[row, ord(char) - ord("a")] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return np.asarray(rows / np.maximum(norms, 1e-9), dtype=np.float32)


def _write_article(folder: Path, article_id: str, body: str) -> None:
    (folder / "en").mkdir(parents=True, exist_ok=True)
    (folder / "en" / f"{article_id}.md").write_text(
        f"---\nid: {article_id}\ntitle: {article_id}\nurl: /help/en/{article_id}\n"
        f"language: en\n---\n{body}\n"
    )


def test_articles_are_embedded_once_and_read_from_the_cache_after(tmp_path: Path) -> None:
    _write_article(tmp_path / "kb", "fees", "There are no fees when you pay on time.")
    _write_article(tmp_path / "kb", "app", "The app is free for iPhone and Android.")
    first, second = CountingEmbedder(), CountingEmbedder()
    KnowledgeBase.load(tmp_path / "kb", first, tmp_path / "cache")
    KnowledgeBase.load(tmp_path / "kb", second, tmp_path / "cache")
    assert (first.embedded, second.embedded) == (2, 0)


def test_only_a_changed_article_is_embedded_again(tmp_path: Path) -> None:
    _write_article(tmp_path / "kb", "fees", "There are no fees when you pay on time.")
    _write_article(tmp_path / "kb", "app", "The app is free for iPhone and Android.")
    KnowledgeBase.load(tmp_path / "kb", CountingEmbedder(), tmp_path / "cache")
    _write_article(tmp_path / "kb", "fees", "A late fee of 5 EUR applies once per instalment.")
    again = CountingEmbedder()
    KnowledgeBase.load(tmp_path / "kb", again, tmp_path / "cache")
    assert again.embedded == 1


def test_a_corrupt_cache_is_rebuilt_rather_than_failing(tmp_path: Path) -> None:
    _write_article(tmp_path / "kb", "fees", "There are no fees when you pay on time.")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "knowledge-vectors.npz").write_bytes(b"not a numpy file")
    embedder = CountingEmbedder()
    base = KnowledgeBase.load(tmp_path / "kb", embedder, tmp_path / "cache")
    assert embedder.embedded == 1
    assert base.search("fees pay on time", "en")[0].article.id == "fees"
