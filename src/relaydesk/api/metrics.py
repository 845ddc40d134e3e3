"""Prometheus metrics of the service itself: request latency, turn latency, queue, agents.

`install_metrics(app, services, metrics)` adds a pure ASGI middleware timing every HTTP
request (labelled by route template, never the raw path) and serves `GET /metrics` from the
app's own registry (no global default registry, so several apps in one process, as in
tests, do not collide). The conversation desk observes turn durations itself.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Iterable
from typing import Annotated

from fastapi import FastAPI, Header, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relaydesk.api.deps import Services, bearer_token
from relaydesk.domain.agents import Presence
from relaydesk.domain.errors import NotFound, Unauthorized
from relaydesk.domain.model import Owner
from relaydesk.turn_slots import TurnSlots

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
# A scrape reads the store; scrapes closer together than this get the same text.
SCRAPE_CACHE_SECONDS = 5.0


class ServiceMetrics:
    """The registry and instruments one app instance reports; the app factory builds it
    first and hands `turn_seconds.observe` to the conversation desk."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "relaydesk_http_request_duration_seconds",
            "HTTP request latency by method, route template and status code.",
            ("method", "route", "status"),
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "relaydesk_assistant_turn_duration_seconds",
            "How long the assistant took to answer one customer message.",
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )

        self._cached: tuple[float, bytes] | None = None
        self._lock = threading.Lock()

    def expose(self) -> bytes:
        """The exposition text, at most SCRAPE_CACHE_SECONDS old."""
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] >= SCRAPE_CACHE_SECONDS:
                self._cached = (now, generate_latest(self.registry))
            return self._cached[1]


class DeskGauges(Collector):
    """Read at scrape time from the store: conversations waiting, agents online."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterable[GaugeMetricFamily]:
        waiting = self.services.store.count_owned_by(Owner.QUEUED)
        statuses = self.services.agents.list_agents()
        online = sum(status.presence is Presence.ONLINE for status in statuses)
        yield GaugeMetricFamily(
            "relaydesk_queue_length", "Conversations waiting for a person.", value=int(waiting)
        )
        yield GaugeMetricFamily(
            "relaydesk_agents_online", "Agents whose presence is online.", value=online
        )


class RequestTimer:
    """Pure ASGI middleware: time HTTP requests, labelled by the matched route's template."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.request_seconds.labels(scope["method"], template, str(status)).observe(
                time.perf_counter() - started
            )


class SlotGauges(Collector):
    """This process's turn slots: how many, and the customers' turns waiting for one."""

    def __init__(self, slots: TurnSlots) -> None:
        self.slots = slots

    def collect(self) -> Iterable[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "relaydesk_turn_slots",
            "Customer turns this process runs at once (0: no limit).",
            value=self.slots.size,
        )
        yield GaugeMetricFamily(
            "relaydesk_turns_waiting_for_a_slot",
            "Customer turns in this process waiting for a turn slot.",
            value=self.slots.waiting,
        )


def install_metrics(app: FastAPI, services: Services, metrics: ServiceMetrics) -> None:
    """Time requests, gauge the queue and agents, and serve GET /metrics (the desk observes
    turns into `metrics.turn_seconds` itself, given it when the app was built)."""
    metrics.registry.register(DeskGauges(services))
    metrics.registry.register(SlotGauges(services.conversations.slots))
    app.add_middleware(RequestTimer, metrics=metrics)

    token = services.settings.metrics_token

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics(
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        if not token:
            raise NotFound("Metrics are off: set RELAYDESK_METRICS_TOKEN to serve them.")
        presented = bearer_token(authorization) or ""
        if not hmac.compare_digest(token.encode(), presented.encode()):
            raise Unauthorized("Metrics need Authorization: Bearer <RELAYDESK_METRICS_TOKEN>.")
        return Response(metrics.expose(), media_type=CONTENT_TYPE_LATEST)

    app.state.metrics = metrics
