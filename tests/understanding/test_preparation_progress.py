"""Model preparation says how far it is: bars on a terminal, lines with an estimate otherwise."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from rich.console import Console

from relaydesk.assistant.knowledge.vectors import embed_passages
from relaydesk.assistant.preparation import LOGGER_NAME, report_progress
from relaydesk.assistant.understanding.embedding_cache import CachedEmbedder
from relaydesk.cli.preparing import PlainProgress, plain_line, showing_preparation
from understanding.understanding_support import HashingEmbedder


def plain_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=200), out


def test_a_plain_line_estimates_the_time_left_from_the_pace_so_far() -> None:
    assert plain_line("Embedding", 25, 100, 10.0) == "Embedding: 25/100 (25 %), about 30 s left"
    assert plain_line("Embedding", 100, 100, 41.6) == "Embedding: 100/100 (100 %), done in 42 s"
    assert plain_line("Training", 0, 0, 3.0) == "Training..."


def test_plain_progress_says_the_first_and_last_step_and_at_most_one_line_per_interval() -> None:
    console, out = plain_console()
    now = [0.0]
    handler = PlainProgress(console, clock=lambda: now[0])
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        for done in range(0, 101, 10):
            report_progress("Embedding", done, 100)
            now[0] += 1.0  # 11 reports in 10 s: the first, one 5 s later, the last
    finally:
        logger.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Embedding: 0/100 (0 %)"
    assert lines[-1] == "Embedding: 100/100 (100 %), done in 10 s"
    assert lines[1] == "Embedding: 50/100 (50 %), about 5 s left"
    assert len(lines) == 3, lines


def test_embedding_sentences_and_articles_reports_progress_while_it_works(tmp_path: Path) -> None:
    console, out = plain_console()
    with showing_preparation(console):
        CachedEmbedder(HashingEmbedder(), tmp_path).embed_queries([f"s {i}" for i in range(40)])
        embed_passages(HashingEmbedder(), [f"article {i}" for i in range(20)], tmp_path)
    said = out.getvalue()
    assert "Embedding query sentences (hashing-test-embedder): 40/40 (100 %)" in said
    assert "Embedding help articles: 20/20 (100 %)" in said


def test_nothing_is_said_for_vectors_already_cached(tmp_path: Path) -> None:
    CachedEmbedder(HashingEmbedder(), tmp_path).embed_queries(["once"])
    console, out = plain_console()
    with showing_preparation(console):
        CachedEmbedder(HashingEmbedder(), tmp_path).embed_queries(["once"])
    assert out.getvalue() == ""
