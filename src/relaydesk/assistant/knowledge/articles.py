"""Help-centre articles: Markdown files with YAML front matter, one folder per language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)
_REQUIRED = ("id", "title", "url", "language")


class ArticleFormatError(ValueError):
    """An article file is missing its front matter or a required field."""


@dataclass(frozen=True)
class Article:
    id: str
    language: str
    title: str
    url: str
    body: str
    tags: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Title, tags and body as one passage, the unit that is indexed and embedded."""
        return "\n".join((self.title, ", ".join(self.tags), self.body))


def parse_article(source: str, origin: str = "<string>") -> Article:
    """Parse one article; raise ArticleFormatError when it is malformed."""
    match = _FRONT_MATTER.match(source.replace("\r\n", "\n"))
    if match is None:
        raise ArticleFormatError(f"{origin}: no front matter")
    meta: Any = yaml.safe_load(match["meta"])
    if not isinstance(meta, dict):
        raise ArticleFormatError(f"{origin}: front matter is not a mapping")
    missing = [name for name in _REQUIRED if not str(meta.get(name) or "").strip()]
    if missing:
        raise ArticleFormatError(f"{origin}: missing {', '.join(missing)}")
    tags = meta.get("tags") or ()
    if not isinstance(tags, list | tuple):
        raise ArticleFormatError(f"{origin}: tags must be a list")
    return Article(
        id=str(meta["id"]).strip(),
        language=str(meta["language"]).strip().lower(),
        title=str(meta["title"]).strip(),
        url=str(meta["url"]).strip(),
        body=match["body"].strip(),
        tags=tuple(str(tag) for tag in tags),
    )


def load_articles(folder: Path) -> list[Article]:
    """Every article under folder, sorted by language then id; duplicates are an error."""
    articles = [
        parse_article(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(folder.rglob("*.md"))
    ]
    seen: set[tuple[str, str]] = set()
    for article in articles:
        key = (article.language, article.id)
        if key in seen:
            raise ArticleFormatError(f"duplicate article {article.id!r} in {article.language!r}")
        seen.add(key)
    return sorted(articles, key=lambda a: (a.language, a.id))
