"""Abuse limits at the door: body size, request rates, origins; cookies and CSRF hold."""

import uuid
from pathlib import Path

import pytest

from relaydesk.security.ratelimit import MemoryRateLimiter, RedisRateLimiter
from security.web import app_client, sign_in_every_role, start_conversation
from support.limits_clock import MID_MINUTE, limiter_clock
from support.services import REDIS_URL, require_redis


def test_a_body_over_the_limit_is_refused_with_413_and_the_error_shape(tmp_path: Path) -> None:
    with app_client(tmp_path, max_request_bytes=2048) as client:
        conversation, auth = start_conversation(client)
        response = client.post(
            f"/v1/conversations/{conversation}/messages",
            content=b'{"text": "' + b"a" * 4000 + b'"}',
            headers={**auth, "Idempotency-Key": "k1", "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["code"] == "request_too_large"
        assert set(response.json()) == {"code", "message"}


def test_a_chunked_body_over_the_limit_is_refused_too(tmp_path: Path) -> None:
    with app_client(tmp_path, max_request_bytes=2048) as client:
        conversation, auth = start_conversation(client)

        def chunks():  # type: ignore[no-untyped-def]
            yield b'{"text": "'
            for _ in range(10):
                yield b"a" * 500
            yield b'"}'

        response = client.post(
            f"/v1/conversations/{conversation}/messages",
            content=chunks(),
            headers={**auth, "Idempotency-Key": "k1", "Content-Type": "application/json"},
        )
        assert response.status_code == 413


def test_a_customer_writing_too_fast_gets_429_with_retry_after(tmp_path: Path) -> None:
    with limiter_clock(MID_MINUTE), app_client(tmp_path, rate_limit_session_per_minute=3) as client:
        conversation, auth = start_conversation(client)
        statuses = [
            client.post(
                f"/v1/conversations/{conversation}/messages",
                json={"text": f"hello {n}"},
                headers={**auth, "Idempotency-Key": f"k{n}"},
            )
            for n in range(5)
        ]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
        refused = statuses[-1]
        assert refused.json()["code"] == "rate_limited"
        # a sliding window: up to two windows after a burst at the start of one
        assert 1 <= int(refused.headers["Retry-After"]) <= 120
        other, other_auth = start_conversation(client)
        answer = client.post(
            f"/v1/conversations/{other}/messages",
            json={"text": "hi"},
            headers={**other_auth, "Idempotency-Key": "k0"},
        )
        assert answer.status_code == 200, "the limit is per conversation"


def test_one_address_sending_too_many_requests_is_limited_but_health_checks_are_not(
    tmp_path: Path,
) -> None:
    with limiter_clock(MID_MINUTE), app_client(tmp_path, rate_limit_ip_per_minute=5) as client:
        codes = [client.get("/v1/conversations/nope").status_code for _ in range(7)]
        assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
        assert client.get("/healthz").status_code == 200


def test_the_memory_limiter_counts_per_key_and_forgets_old_windows() -> None:
    limiter = MemoryRateLimiter()
    try:
        with limiter_clock(1000.0) as clock:
            assert [limiter.hit("a", 2) for _ in range(3)][:2] == [None, None]
            assert limiter.hit("a", 2) is not None
            assert limiter.hit("b", 2) is None
            clock.now += 120  # two windows on, nothing of the old counts overlaps the last minute
            assert limiter.hit("a", 2) is None
    finally:
        limiter.close()


def test_the_redis_limiter_shares_its_counts_between_processes() -> None:
    require_redis()
    prefix = f"relaydesk:test:{uuid.uuid4().hex}"
    first = RedisRateLimiter(REDIS_URL, prefix=prefix)
    second = RedisRateLimiter(REDIS_URL, prefix=prefix)
    try:
        assert first.hit("ip:1", 2) is None
        assert second.hit("ip:1", 2) is None
        assert first.hit("ip:1", 2) is not None
    finally:
        first.close()
        second.close()


def test_an_unreachable_redis_lets_requests_through() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    assert limiter.hit("ip:1", 0) is None


@pytest.mark.parametrize(
    ("origin", "allowed"), [("https://shop.example", True), ("https://evil.example", False)]
)
def test_only_configured_origins_may_call_the_api_from_a_browser(
    tmp_path: Path, origin: str, allowed: bool
) -> None:
    with app_client(tmp_path, cors_origins=["https://shop.example"]) as client:
        preflight = client.options(
            "/v1/conversations",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        answer = client.post(
            "/v1/conversations", json={"display_name": "A"}, headers={"Origin": origin}
        )
        granted = answer.headers.get("access-control-allow-origin")
        assert (preflight.status_code == 200) is allowed
        assert (granted == origin) is allowed
        assert "access-control-allow-credentials" not in answer.headers


def test_without_configured_origins_no_cross_origin_access_is_granted(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        answer = client.post(
            "/v1/conversations",
            json={"display_name": "A"},
            headers={"Origin": "https://shop.example"},
        )
        assert "access-control-allow-origin" not in answer.headers


def test_the_console_cookie_is_httponly_samesite_and_secure_off_localhost(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        sign_in_every_role(client)
        login = client.post(
            "https://relaydesk.example/v1/agent/login",
            json={"email": "agent@example.com", "password": "correct horse battery"},
        )
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_a_cookie_authenticated_write_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    with app_client(tmp_path) as client:
        sign_in_every_role(client)
        login = client.post(
            "/v1/agent/login",
            json={"email": "agent@example.com", "password": "correct horse battery"},
        )
        csrf = login.json()["csrf_token"]
        forged = client.put("/v1/agent/presence", json={"status": "online"})
        assert forged.status_code in (401, 403)
        genuine = client.put(
            "/v1/agent/presence", json={"status": "online"}, headers={"X-CSRF-Token": csrf}
        )
        assert genuine.status_code == 200
        assert client.post("/console/presence", data={"status": "away"}).status_code in (401, 403)


def test_default_secrets_are_refused_in_production() -> None:
    from pydantic import ValidationError

    from relaydesk.settings import Settings

    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production")


def test_credentials_with_non_ascii_characters_are_refused_never_a_server_error(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        conversation, _auth = start_conversation(client)
        forged = {"Authorization": "Bearer t\u00f6ken".encode("latin-1")}
        assert client.get(f"/v1/conversations/{conversation}", headers=forged).status_code == 401
        signed = client.post(
            "/v1/conversations",
            json={"display_name": "A", "customer_ref": "c-1", "customer_signature": "s\u00e9"},
        )
        assert signed.status_code == 401
        sign_in_every_role(client)
        client.post(
            "/v1/agent/login",
            json={"email": "agent@example.com", "password": "correct horse battery"},
        )
        csrf = {"X-CSRF-Token": "\u00e9t\u00e9".encode("latin-1")}
        refused = client.put("/v1/agent/presence", json={"status": "online"}, headers=csrf)
        assert refused.status_code == 401
        page = client.get("/console/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.cookies.clear()
        login = client.post(
            "/console/login",
            data={"email": "agent@example.com", "password": "x", "csrf_token": token},
            headers={"Cookie": "relaydesk_login_nonce=n\u00e9".encode("latin-1")},
        )
        assert login.status_code == 400


def test_a_cursor_beyond_any_seq_is_refused_as_invalid_not_a_server_error(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path) as client:
        roles = sign_in_every_role(client)
        conversation, auth = start_conversation(client)
        huge = {"after": 2**63}
        customer = client.get(f"/v1/conversations/{conversation}/events", params=huge, headers=auth)
        agent = client.get(
            f"/v1/agent/conversations/{conversation}/events",
            params=huge,
            headers=roles["supervisor"],
        )
        assert (customer.status_code, agent.status_code) == (422, 422)
        assert customer.json()["code"] == "invalid_input"


def test_with_redis_configured_the_app_counts_a_conversations_writes_there(
    tmp_path: Path,
) -> None:
    require_redis()
    with app_client(tmp_path, redis_url=REDIS_URL, rate_limit_session_per_minute=2) as client:
        assert isinstance(client.app.state.rate_limiter, RedisRateLimiter)  # type: ignore[attr-defined]
        conversation, auth = start_conversation(client)
        codes = [
            client.post(
                f"/v1/conversations/{conversation}/messages",
                json={"text": f"hi {n}"},
                headers={**auth, "Idempotency-Key": f"k{n}"},
            ).status_code
            for n in range(3)
        ]
        assert codes == [200, 200, 429]
