"""The help centre the assistant answers from: articles, hybrid retrieval, answer snippets."""

from relaydesk.assistant.knowledge.articles import Article, ArticleFormatError, load_articles
from relaydesk.assistant.knowledge.base import Hit, KnowledgeBase
from relaydesk.assistant.knowledge.snippets import answer_snippet

__all__ = [
    "Article",
    "ArticleFormatError",
    "Hit",
    "KnowledgeBase",
    "answer_snippet",
    "load_articles",
]
