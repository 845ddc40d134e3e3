"""The help centre as its files are now, for the report's gap check.

Articles are Markdown files in the pack's knowledge folder. The assistant reads them at start;
the knowledge-gap check must see an article written from a gap's draft without a restart, so
it asks for the current knowledge, read again whenever an article file was added, removed or
changed (by path, modification time and size).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.knowledge.articles import ArticleFormatError

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


def files_signature(folder: Path) -> Signature:
    """Every article file under folder with its modification time and size."""
    found = []
    for path in sorted(folder.rglob("*.md")):
        stat = path.stat()
        found.append((str(path.relative_to(folder)), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class KnowledgeFiles:
    """A knowledge base that follows its folder: read again when an article file changed."""

    def __init__(self, folder: Path, loaded: KnowledgeBase) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._knowledge = loaded
        self._signature = files_signature(folder)

    def current(self) -> KnowledgeBase:
        """The articles as the files say now; the last good ones while a file is malformed."""
        with self._lock:
            signature = files_signature(self.folder)
            if signature != self._signature:
                try:
                    self._knowledge = self._knowledge.reloaded(self.folder)
                except (ArticleFormatError, OSError) as error:
                    # Half-written or broken: keep the last good articles and try again later.
                    log.warning("help articles not reloaded: %s", error)
                    return self._knowledge
                self._signature = signature
            return self._knowledge
