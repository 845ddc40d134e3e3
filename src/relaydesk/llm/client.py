"""One streaming client for any OpenAI-compatible server, with hard deadlines.

The `openai` package is imported lazily, so relaydesk runs without it while the model is off.
A call streams its answer in a worker thread; the caller waits on a queue with the deadline
for the first token and for the whole answer, so a stalled server never holds a turn longer
than its budget (the worker is abandoned and its stream closed when it next wakes).
"""

from __future__ import annotations

import importlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from relaydesk.turn_slots import slot_given_back

Messages = list[dict[str, str]]
_DONE = object()


class ModelUnavailable(Exception):
    """The model did not answer in time or failed; `reason` is short and recordable."""

    def __init__(
        self, reason: str, first_token_ms: float | None = None, waited_ms: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.first_token_ms = first_token_ms
        self.waited_ms = waited_ms


@dataclass(frozen=True)
class Deadline:
    first_token_s: float
    total_s: float


@dataclass(frozen=True)
class Completion:
    text: str
    first_token_ms: float
    total_ms: float
    prompt_tokens: int
    completion_tokens: int

    def timings(self) -> dict[str, float | int]:
        """What a role's record keeps of the call: latency and tokens."""
        return {
            "first_token_ms": round(self.first_token_ms, 1),
            "total_ms": round(self.total_ms, 1),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }


@dataclass(frozen=True)
class Chunk:
    text: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ChatClient:
    """Chat completions against `base_url` (OpenAI, Azure OpenAI, vLLM, llama.cpp, Ollama)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        max_tokens: int = 160,
        structured_output: str = "json_schema",
    ) -> None:
        self.base_url = base_url
        # "json_schema" (OpenAI, Azure, vLLM, Ollama), "json_object" (llama-cpp-python's
        # server: the schema rides along) or "none" (validated only after the fact)
        self.structured_output = structured_output
        self.api_key = api_key or "not-needed"  # local servers ignore it; the client wants one
        self.model = model
        self.max_tokens = max_tokens
        # Built now, not on the first call: importing the package takes about a second.
        self._client: Any = _openai_client(self.base_url, self.api_key)

    def close(self) -> None:
        """Close the pooled connections; a call still streaming in a worker ends with an error."""
        self._client.close()

    def complete(
        self,
        messages: Messages,
        deadline: Deadline,
        json_schema: dict[str, Any] | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Completion:
        """The whole answer within the deadline, else ModelUnavailable; `on_text` sees progress."""
        started = time.perf_counter()
        chunks: queue.Queue[object] = queue.Queue()
        stop = threading.Event()
        worker = threading.Thread(
            target=self._pump,
            args=(messages, deadline, json_schema, chunks, stop),
            name="llm-stream",
            daemon=True,
        )
        worker.start()
        try:
            with slot_given_back():  # a turn waiting on the model server lets others run
                return self._collect(chunks, deadline, started, on_text)
        finally:
            stop.set()

    def _collect(
        self,
        chunks: queue.Queue[object],
        deadline: Deadline,
        started: float,
        on_text: Callable[[str], None] | None,
    ) -> Completion:
        parts: list[str] = []
        first_token_ms: float | None = None
        usage = Chunk()
        while True:
            elapsed = time.perf_counter() - started
            limit = deadline.first_token_s if first_token_ms is None else deadline.total_s
            try:
                item = chunks.get(timeout=max(0.0, limit - elapsed))
            except queue.Empty:
                reason = "first_token_timeout" if first_token_ms is None else "total_timeout"
                waited = (time.perf_counter() - started) * 1000
                raise ModelUnavailable(reason, first_token_ms, waited) from None
            if item is _DONE:
                break
            if isinstance(item, ModelUnavailable):
                waited = (time.perf_counter() - started) * 1000
                raise ModelUnavailable(item.reason, first_token_ms, waited)
            assert isinstance(item, Chunk)
            if item.prompt_tokens or item.completion_tokens:
                usage = item
            if item.text:
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - started) * 1000
                parts.append(item.text)
                if on_text is not None:
                    on_text("".join(parts))
        return Completion(
            text="".join(parts),
            first_token_ms=first_token_ms or (time.perf_counter() - started) * 1000,
            total_ms=(time.perf_counter() - started) * 1000,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )

    def _pump(
        self,
        messages: Messages,
        deadline: Deadline,
        json_schema: dict[str, Any] | None,
        chunks: queue.Queue[object],
        stop: threading.Event,
    ) -> None:
        try:
            for chunk in self._stream(messages, deadline, json_schema):
                if stop.is_set():
                    return
                chunks.put(chunk)
            chunks.put(_DONE)
        except Exception as exc:  # the caller falls back; only a short reason is kept
            chunks.put(ModelUnavailable(_reason(exc)))

    def _stream(
        self, messages: Messages, deadline: Deadline, json_schema: dict[str, Any] | None
    ) -> Iterator[Chunk]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "stream": True,
            "stream_options": {"include_usage": True},
            "timeout": deadline.total_s,
        }
        if json_schema is not None and self.structured_output == "json_schema":
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "proposal", "schema": json_schema, "strict": True},
            }
        elif json_schema is not None and self.structured_output == "json_object":
            request["response_format"] = {"type": "json_object", "schema": json_schema}
        stream = self._client.chat.completions.create(**request)
        with stream:
            for event in stream:
                usage = getattr(event, "usage", None)
                if usage is not None:
                    yield Chunk(
                        prompt_tokens=int(usage.prompt_tokens or 0),
                        completion_tokens=int(usage.completion_tokens or 0),
                    )
                for choice in event.choices or ():
                    text = getattr(choice.delta, "content", None)
                    if text:
                        yield Chunk(text=text)


def _openai_client(base_url: str, api_key: str) -> Any:
    try:  # optional extra `llm`, imported by name so type checks do not need it installed
        openai = importlib.import_module("openai")
    except ImportError as missing:
        raise RuntimeError(
            "A language model is configured (RELAYDESK_LLM_BASE_URL) but the 'openai' package "
            "is missing: pip install 'relaydesk[llm]'."
        ) from missing

    return openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0)


def _reason(exc: Exception) -> str:
    """A short recordable reason, never the server's text (it may echo the prompt)."""
    status = getattr(exc, "status_code", None)
    if status is not None:
        return f"http_{status}"
    return f"error:{type(exc).__name__}"
