"""Posts queued deliveries to their endpoints, signed, one conversation's events in order."""

from __future__ import annotations

import json
import logging
import threading

import httpx

from relaydesk import __version__
from relaydesk.webhooks.signing import SIGNATURE_HEADER, sign
from relaydesk.webhooks.store import Delivery, WebhookEndpoint, WebhookStore

log = logging.getLogger(__name__)
IDLE_WAIT_S = 1.0


def delivery_body(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


class WebhookDispatcher:
    def __init__(self, store: WebhookStore, timeout_s: float = 5.0) -> None:
        self.store = store
        self.client = httpx.Client(timeout=timeout_s, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def deliver_due(self, limit: int = 100) -> int:
        """Post what is due now (at most `limit` attempts); how many were accepted."""
        delivered = 0
        for _ in range(limit):
            claimed = self.store.claim_next()
            if claimed is None:
                break
            delivered += self._post(*claimed)
        return delivered

    def run(self, stop: threading.Event, idle_wait_s: float = IDLE_WAIT_S) -> None:
        while not stop.is_set():
            try:
                delivered = self.deliver_due()
            except Exception:
                log.exception("The webhook dispatcher failed a pass; trying again shortly.")
                delivered = 0
            if not delivered:
                stop.wait(idle_wait_s)

    def _post(self, delivery: Delivery, endpoint: WebhookEndpoint) -> int:
        body = delivery_body(delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"relaydesk/{__version__}",
            SIGNATURE_HEADER: sign(endpoint.secret, body),
            "Relaydesk-Delivery": delivery.id,
            "Relaydesk-Event": delivery.event_type,
        }
        try:
            response = self.client.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            self.store.mark_failed_attempt(delivery, None, f"{type(error).__name__}: {error}")
            return 0
        if 200 <= response.status_code < 300:
            self.store.mark_delivered(delivery, response.status_code)
            return 1
        self.store.mark_failed_attempt(
            delivery, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"
        )
        return 0
