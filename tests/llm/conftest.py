from collections.abc import Iterator

import pytest

from llm.fake_openai import FakeOpenAI
from llm.harness import close_opened_clients


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    """One replaying OpenAI-compatible server on 127.0.0.1 for the whole session."""
    pytest.importorskip("openai", reason="protocol tests need the llm extra: pip install openai")
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture(autouse=True)
def close_model_clients() -> Iterator[None]:
    yield
    close_opened_clients()
