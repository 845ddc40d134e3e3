"""Hybrid retrieval over the help centre: BM25 and embedding cosine, per customer language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from relaydesk.assistant.embeddings import Embedder, Vectors
from relaydesk.assistant.knowledge.articles import Article, load_articles
from relaydesk.assistant.knowledge.snippets import answer_snippet
from relaydesk.assistant.knowledge.text import tokens
from relaydesk.assistant.knowledge.vectors import CACHE_FILE, embed_passages, write_prepared
from relaydesk.assistant.preparation import PREPARED_DIR

FALLBACK_LANGUAGE = "en"
# Ranking: a weighted sum of the two normalised signals. Embeddings carry meaning across
# wordings and languages; BM25 rewards the product's own words ("postpone", "late fee").
EMBEDDING_WEIGHT = 0.75
LEXICAL_WEIGHT = 0.25
# multilingual-e5 cosines sit in a narrow band: up to about 0.85 for unrelated text and
# 0.85-0.93 for a match, so only the part above the floor counts as evidence.
COSINE_FLOOR = 0.80
COSINE_CEILING = 0.92
# A question meeting an article in another language (the English fallback) scores lower for
# the same meaning; this much is added back before any comparison.
CROSS_LINGUAL_BONUS = 0.03
# BM25 at which the lexical signal is fully confident.
BM25_SATURATION = 6.0
# Relevance gate, whatever the ranking: a strong meaning match, or a fair one backed by shared
# words. Unrelated questions ("capital of France?") fail both.
STRONG_COSINE = 0.85
FAIR_COSINE = 0.80
LEXICAL_SUPPORT = 2.0
DEFAULT_MIN_SCORE = 0.0


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: str


class _View:
    """The articles a customer in one language can be shown, with their lexical index."""

    def __init__(self, language: str, articles: list[Article], rows: list[int]) -> None:
        self.articles = articles
        self.rows = rows  # the articles' rows in the knowledge base's vector matrix
        foreign = [a.language != language for a in articles]
        self.cosine_bonus = CROSS_LINGUAL_BONUS * np.asarray(foreign, dtype=np.float32)
        self._index = bm25s.BM25()
        self._index.index([tokens(a.text) or [""] for a in articles], show_progress=False)
        self._vocabulary = set(self._index.vocab_dict)

    def lexical_scores(self, query: str) -> Vectors:
        known = [token for token in tokens(query) if token in self._vocabulary and token]
        if not known:
            return np.zeros(len(self.articles), dtype=np.float32)
        return np.asarray(self._index.get_scores(known), dtype=np.float32)


class KnowledgeBase:
    """Articles in several languages, searchable in the customer's language."""

    def __init__(
        self,
        articles: Iterable[Article],
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        min_score: float | None = None,
        prepared: Path | None = None,
    ) -> None:
        self._articles = list(articles)
        self._embedder = embedder
        self._cache_dir = cache_dir
        self._by_key = {(a.language, a.id): a for a in self._articles}
        self._vectors: Vectors | None = None
        if embedder is not None:
            texts = [a.text for a in self._articles]
            self._vectors = embed_passages(embedder, texts, cache_dir, prepared)
        self.min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
        self._views: dict[str, _View] = {}
        for language in self.languages():  # built now, so no customer waits for an index
            self._view(language)
        self.known_urls = frozenset(a.url for a in self._articles)

    @classmethod
    def load(
        cls,
        folder: Path,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        min_score: float | None = None,
    ) -> KnowledgeBase:
        """Read every article under folder (one sub-folder per language) and index them;
        vectors shipped beside the folder (`prepared/`) spare the first start embedding them."""
        prepared = prepared_vectors_file(folder)
        return cls(load_articles(folder), embedder, cache_dir, min_score, prepared)

    def reloaded(self, folder: Path) -> KnowledgeBase:
        """The articles under folder as they are now, searched the same way (same embedder,
        cache and minimum score); unchanged articles reuse their cached vectors."""
        return KnowledgeBase.load(folder, self._embedder, self._cache_dir, self.min_score)

    def write_prepared(self, folder: Path) -> Path:
        """Ship the articles' vectors beside `folder`, where `load` looks for them."""
        if self._embedder is None or self._vectors is None:
            raise ValueError("A knowledge base without an embedder has no vectors to ship.")
        path = prepared_vectors_file(folder)
        write_prepared(path, self._embedder, [a.text for a in self._articles], self._vectors)
        return path

    def is_known_url(self, url: str) -> bool:
        """Whether url is the address of one of our articles (query and fragment ignored)."""
        return url.split("#", 1)[0].split("?", 1)[0] in self.known_urls

    def languages(self) -> list[str]:
        """Languages with at least one article, sorted."""
        return sorted({a.language for a in self._articles})

    def articles(self, language: str | None = None) -> list[Article]:
        """All articles, or those written in language, sorted by title."""
        chosen = [a for a in self._articles if language is None or a.language == language]
        return sorted(chosen, key=lambda a: (a.language, a.title.casefold()))

    def get(self, article_id: str, language: str) -> Article | None:
        """The article with this id in this language, if it exists."""
        return self._by_key.get((language, article_id))

    def search(
        self, query: str, language: str, k: int = 3, query_vector: Vectors | None = None
    ) -> list[Hit]:
        """Up to k articles answering query, best first, none below the minimum score.

        query_vector: the query already embedded by the same embedder (embed_queries), so a turn
        that embedded the message for understanding does not pay for it twice.
        """
        view = self._view(_base_language(language))
        if not view.articles or not query.strip() or k < 1:
            return []
        scores, relevant = self._scores(view, query, query_vector)
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(
                view.articles[i],
                round(float(scores[i]), 4),
                answer_snippet(view.articles[i], query),
            )
            for i in order
            if relevant[i] and scores[i] >= self.min_score
        ]

    def _scores(
        self, view: _View, query: str, query_vector: Vectors | None
    ) -> tuple[Vectors, npt.NDArray[np.bool_]]:
        """Each article's ranking score, and whether it is related to the query at all."""
        bm25 = view.lexical_scores(query)
        lexical = np.minimum(bm25 / BM25_SATURATION, 1.0)
        if self._embedder is None or self._vectors is None:
            return np.asarray(lexical, dtype=np.float32), bm25 >= LEXICAL_SUPPORT
        question = (
            self._embedder.embed_queries([query])[0]
            if query_vector is None
            else np.asarray(query_vector, dtype=np.float32).reshape(-1)
        )
        cosine = np.asarray(self._vectors[view.rows] @ question, np.float32) + view.cosine_bonus
        semantic = np.clip((cosine - COSINE_FLOOR) / (COSINE_CEILING - COSINE_FLOOR), 0.0, 1.0)
        score = np.asarray(EMBEDDING_WEIGHT * semantic + LEXICAL_WEIGHT * lexical, np.float32)
        relevant = (cosine >= STRONG_COSINE) | ((cosine >= FAIR_COSINE) & (bm25 >= LEXICAL_SUPPORT))
        return score, relevant

    def _view(self, language: str) -> _View:
        # Articles in the customer's language, plus the English one wherever no translation exists.
        if language not in self._views:
            ids = {a.id for a in self._articles if a.language == language}
            rows = [
                row
                for row, a in enumerate(self._articles)
                if a.language == language or (a.language == FALLBACK_LANGUAGE and a.id not in ids)
            ]
            self._views[language] = _View(language, [self._articles[r] for r in rows], rows)
        return self._views[language]


def _base_language(language: str) -> str:
    """The primary subtag: a customer in sv-SE or sv_SE searches the Swedish articles."""
    return language.replace("_", "-").split("-", 1)[0].lower() or FALLBACK_LANGUAGE


def prepared_vectors_file(knowledge_folder: Path) -> Path:
    """Where a pack ships its articles' vectors: `prepared/` beside the knowledge folder."""
    return knowledge_folder.parent / PREPARED_DIR / CACHE_FILE
