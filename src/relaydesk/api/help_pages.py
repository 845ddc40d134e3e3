"""The help centre as HTML pages, so every article URL the assistant links to resolves."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from babel import Locale, UnknownLocaleError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markdown_it import MarkdownIt

from relaydesk.assistant.knowledge import Article, KnowledgeBase

router = APIRouter(tags=["help"])

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "help"
# Articles are published by the operator, but still: no raw HTML passes through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class _Section:
    language: str
    name: str
    articles: list[Article]


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _language_name(code: str) -> str:
    """A language's name in that language ("svenska"), or the code when Babel has none."""
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code


def _not_found(message: str) -> JSONResponse:
    return JSONResponse({"code": "not_found", "message": message}, status_code=404)


def _knowledge(request: Request) -> KnowledgeBase | None:
    knowledge = getattr(request.app.state, "knowledge", None)
    return knowledge if isinstance(knowledge, KnowledgeBase) else None


def _site_title(request: Request) -> str:
    """The pack's name for its help centre (the app factory sets it)."""
    return str(getattr(request.app.state, "help_centre_title", "Help centre"))


def _render_index(
    knowledge: KnowledgeBase, languages: list[str], heading: str, site_title: str
) -> HTMLResponse:
    sections = [
        _Section(code, _language_name(code), knowledge.articles(code)) for code in languages
    ]
    html = (
        _templates()
        .get_template("index.html")
        .render(
            language=languages[0] if len(languages) == 1 else "en",
            heading=heading,
            sections=sections,
            site_title=site_title,
        )
    )
    return HTMLResponse(html)


@router.get("/help", response_class=HTMLResponse, response_model=None)
def help_index(request: Request) -> HTMLResponse | JSONResponse:
    """Every article, grouped by language."""
    knowledge = _knowledge(request)
    if knowledge is None:
        return _not_found("The help centre is not available.")
    title = _site_title(request)
    return _render_index(knowledge, knowledge.languages(), title, title)


@router.get("/help/{language}", response_class=HTMLResponse, response_model=None)
def help_language_index(request: Request, language: str) -> HTMLResponse | JSONResponse:
    """The articles written in one language."""
    knowledge = _knowledge(request)
    if knowledge is None or language not in knowledge.languages():
        return _not_found("There are no help articles in that language.")
    return _render_index(knowledge, [language], _language_name(language), _site_title(request))


@router.get("/help/{language}/{article_id}", response_class=HTMLResponse, response_model=None)
def help_article(request: Request, language: str, article_id: str) -> HTMLResponse | JSONResponse:
    """One article as a readable page, with links to its translations."""
    knowledge = _knowledge(request)
    article = None if knowledge is None else knowledge.get(article_id, language)
    if knowledge is None or article is None:
        return _not_found("There is no such help article.")
    translations = [
        other
        for code in knowledge.languages()
        if code != language and (other := knowledge.get(article_id, code)) is not None
    ]
    html = (
        _templates()
        .get_template("article.html")
        .render(
            language=article.language,
            article=article,
            body_html=_MARKDOWN.render(article.body),
            translations=translations,
            language_names={code: _language_name(code) for code in knowledge.languages()},
            site_title=_site_title(request),
        )
    )
    return HTMLResponse(html)
