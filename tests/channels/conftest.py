"""Fixtures of the channel tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.receiver import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver listening on 127.0.0.1 for the test."""
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
