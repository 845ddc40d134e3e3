"""A local OpenAI-compatible server that replays scripted answers, for protocol tests.

It speaks just enough of POST /v1/chat/completions (JSON or SSE stream) to stand in for
OpenAI, vLLM, llama.cpp or Ollama: each request takes the next scripted reply, which can be
slow to start, slow between chunks, an HTTP error, or a raw body that is not JSON.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Scripted:
    text: str = ""
    first_delay_s: float = 0.0
    chunk_delay_s: float = 0.0
    status: int = 200
    chunk_words: int = 3


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Scripted | str) -> None:
        self.replies.clear()
        self.requests.clear()
        self.replies.extend(r if isinstance(r, Scripted) else Scripted(r) for r in replies)

    def _next(self) -> Scripted:
        return self.replies.popleft() if self.replies else Scripted("")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                reply = fake._next()
                time.sleep(reply.first_delay_s)
                if reply.status != 200:
                    self._send(reply.status, b'{"error": {"message": "scripted failure"}}')
                elif body.get("stream"):
                    self._stream(reply)
                else:
                    self._send(200, json.dumps(_completion(reply.text)).encode())

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, reply: Scripted) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                try:
                    for piece in _pieces(reply.text, reply.chunk_words):
                        self._event(_chunk(piece))
                        time.sleep(reply.chunk_delay_s)
                    self._event(_usage(reply.text))
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up at its deadline, as it should
                self.close_connection = True

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")
                self.wfile.flush()

        return Handler

    @contextmanager
    def running(self) -> Iterator[FakeOpenAI]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)


def _pieces(text: str, words: int) -> list[str]:
    tokens = text.split(" ")
    return [
        " ".join(tokens[i : i + words]) + (" " if i + words < len(tokens) else "")
        for i in range(0, len(tokens), words)
    ]


def _chunk(piece: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
    }


def _usage(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [],
        "usage": {
            "prompt_tokens": 100,
            "completion_tokens": len(text.split()),
            "total_tokens": 100 + len(text.split()),
        },
    }


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 1, "total_tokens": 101},
    }
