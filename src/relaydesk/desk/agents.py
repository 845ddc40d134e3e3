"""Agent accounts, login sessions and presence."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from relaydesk.domain.agents import AgentAccount, AgentStatus, Presence, Role, require_role
from relaydesk.domain.errors import InvalidInput, Unauthorized
from relaydesk.domain.model import AgentId
from relaydesk.security.audit import AuditEntry, AuditLog
from relaydesk.security.login_throttle import LoginThrottle, TooManyAttempts

__all__ = ["AgentDesk", "AgentSession", "TooManyAttempts"]
from relaydesk.store.agents import AgentStore
from relaydesk.store.conversations import utcnow

MIN_PASSWORD_CHARS = 10
SESSION_TTL = timedelta(hours=12)


@dataclass(frozen=True)
class AgentSession:
    """A signed-in agent: `token` goes in the session cookie, `csrf_token` in every form."""

    agent: AgentAccount
    token: str
    csrf_token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(value.strip().lower() for value in values if value.strip())


class AgentDesk:
    """Accounts, password login (argon2) and presence heartbeats."""

    def __init__(
        self,
        agents: AgentStore,
        secret_key: str,
        *,
        hasher: PasswordHasher | None = None,
        session_ttl: timedelta = SESSION_TTL,
        clock: Callable[[], datetime] = utcnow,
        throttle: LoginThrottle | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.audit = audit
        self.agents = agents
        self.secret_key = secret_key
        self.hasher = hasher or PasswordHasher()
        self.session_ttl = session_ttl
        self.clock = clock
        self.throttle = throttle or LoginThrottle()
        self._dummy_hash: str | None = None

    def add_agent(
        self,
        *,
        email: str,
        display_name: str,
        password: str,
        role: Role = Role.AGENT,
        skills: Iterable[str] = (),
        languages: Iterable[str] = (),
        capacity: int = 3,
    ) -> AgentAccount:
        """Create an account; the password is stored only as an argon2 hash."""
        email = email.strip()
        if "@" not in email or len(email) > 320:
            raise InvalidInput("An agent needs a valid email address.")
        if len(password) < MIN_PASSWORD_CHARS:
            raise InvalidInput(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
        if not 1 <= capacity <= 50:
            raise InvalidInput("Capacity is between 1 and 50 conversations.")
        account = AgentAccount(
            id=AgentId(""),
            email=email,
            display_name=display_name.strip() or email,
            role=role,
            skills=clean_set(skills),
            languages=clean_set(languages),
            capacity=capacity,
        )
        return self.agents.create(account, self.hasher.hash(password))

    def add_agent_as(self, actor: AgentAccount, **fields: Any) -> AgentAccount:
        """An administrator creates an account."""
        require_role(actor, Role.ADMIN)
        account = self.add_agent(**fields)
        self._audit(actor, "agent.create", account.id, {"role": account.role.value})
        return account

    def team_exists(self) -> bool:
        """Whether any account exists yet (the sign-in page explains the first step if not)."""
        return self.agents.any_agent()

    def list_agents(self) -> list[AgentStatus]:
        return self.agents.statuses()

    def list_agents_as(self, actor: AgentAccount) -> list[AgentStatus]:
        """Supervisors and administrators see the whole team, with presence and load."""
        require_role(actor, Role.SUPERVISOR, Role.ADMIN)
        return self.list_agents()

    def status(self, agent: AgentAccount) -> AgentStatus:
        return self.agents.status(agent.id)

    def set_active(self, agent_id: AgentId, active: bool) -> AgentAccount:
        """Disable (or re-enable) an account; disabling ends its sessions and presence."""
        account = self.agents.set_active(agent_id, active)
        if not active:  # the routing loop then returns their conversations to the queue
            self.agents.set_presence(agent_id, Presence.OFFLINE, self.clock())
        return account

    def set_active_as(self, actor: AgentAccount, agent_id: AgentId, active: bool) -> AgentAccount:
        require_role(actor, Role.ADMIN)
        if agent_id == actor.id and not active:
            raise InvalidInput("You cannot disable your own account.")
        account = self.set_active(agent_id, active)
        self._audit(actor, "agent.enable" if active else "agent.disable", agent_id, {})
        return account

    def disable_by_email(self, email: str) -> AgentAccount:
        found = self.agents.credentials(email)
        if found is None:
            raise InvalidInput(f"No agent has the email {email}.")
        return self.set_active(found[0].id, False)

    def login(self, email: str, password: str, address: str = "") -> AgentSession:
        """Check the password and open a session; the agent starts as away.

        `address` is the client's network address: failed attempts slow down the address
        they come from far sooner than the account (see security/login_throttle.py).
        """
        found = self.agents.credentials(email.strip())
        try:
            self.throttle.check(email, address, self.clock())
        except TooManyAttempts:
            if found is not None:
                details = {"address": address}
                self._audit(found[0], "agent.sign_in", found[0].id, details, decision="throttled")
            raise
        if found is None:
            # Verifying against a real hash keeps a wrong email as slow as a wrong password.
            self._dummy_hash = self._dummy_hash or self.hasher.hash(secrets.token_hex(16))
            self._verify(self._dummy_hash, password)
            self.throttle.failed(email, address, self.clock())
            raise Unauthorized("Wrong email or password.")
        account, password_hash = found
        if not self._verify(password_hash, password) or not account.active:
            self.throttle.failed(email, address, self.clock())
            details = {"address": address}
            self._audit(account, "agent.sign_in", account.id, details, decision="refused")
            raise Unauthorized("Wrong email or password.")
        self.throttle.succeeded(email, address)
        if self.hasher.check_needs_rehash(password_hash):
            self.agents.set_password_hash(account.id, self.hasher.hash(password))
        token = secrets.token_urlsafe(32)
        now = self.clock()
        if self.agents.live_sessions(account.id, now):
            self.agents.touch(account.id, now, wake=True)  # signed in elsewhere: keep presence
        else:
            self.agents.set_presence(account.id, Presence.AWAY, now)
        self.agents.create_session(_token_hash(token), account.id, now + self.session_ttl)
        details = {"address": address}
        self._audit(account, "agent.sign_in", account.id, details, decision="allowed")
        return AgentSession(account, token, self.csrf_token(token))

    def record(
        self, actor: AgentAccount, action: str, subject: str, details: dict[str, Any]
    ) -> None:
        """An account change made elsewhere (the team page) joins the audit trail."""
        self._audit(actor, action, subject, details)

    def _audit(
        self,
        actor: AgentAccount,
        action: str,
        subject: str,
        details: dict[str, Any],
        decision: str | None = None,
    ) -> None:
        """Account changes and sign-ins join the append-only audit trail."""
        if self.audit is None:
            return
        entry = AuditEntry(
            at=self.clock(),
            actor_kind="agent",
            actor_id=actor.id,
            action=action,
            subject=subject,
            decision=decision,
            details=details,
        )
        self.audit.record(entry)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def authenticate(self, token: str | None) -> AgentSession:
        """The session this token opens, or Unauthorized."""
        if not token:
            raise Unauthorized("Sign in as an agent first.")
        account = self.agents.session_agent(_token_hash(token), self.clock())
        if account is None:
            raise Unauthorized("Your session has ended; sign in again.")
        return AgentSession(account, token, self.csrf_token(token))

    def logout(self, session: AgentSession) -> None:
        """End this session; the agent goes offline only when it was their last one.

        Presence is per agent, not per session: another signed-in tab or device keeps it,
        and if that one is gone too, missing heartbeats take the agent offline anyway.
        """
        now = self.clock()
        self.agents.delete_session(_token_hash(session.token))
        if not self.agents.live_sessions(session.agent.id, now):
            self.agents.set_presence(session.agent.id, Presence.OFFLINE, now)

    def csrf_token(self, session_token: str) -> str:
        """Derived from the session, so it needs no storage and dies with the session."""
        return hmac.new(
            self.secret_key.encode(), f"csrf:{session_token}".encode(), hashlib.sha256
        ).hexdigest()

    def require_csrf(self, session: AgentSession, presented: str | None) -> None:
        expected = session.csrf_token.encode()
        if presented is None or not hmac.compare_digest(expected, presented.encode()):
            raise Unauthorized("The form is stale or forged (CSRF token mismatch); reload it.")

    def set_presence(self, agent: AgentAccount, presence: Presence) -> AgentStatus:
        self.agents.set_presence(agent.id, presence, self.clock())
        return self.agents.status(agent.id)

    def heartbeat(self, agent: AgentAccount) -> AgentStatus:
        """Still here: an agent who stops sending these goes offline, losing their chats."""
        self.agents.touch(agent.id, self.clock())
        return self.agents.status(agent.id)
