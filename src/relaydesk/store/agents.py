"""Agent accounts, their login sessions and their presence."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from relaydesk.domain.agents import AgentAccount, AgentStatus, Presence, Role
from relaydesk.domain.errors import Conflict, NotFound
from relaydesk.domain.model import AgentId, Conversation, Owner
from relaydesk.sql import reading
from relaydesk.store.conversations import _aware, _to_conversation, new_id, utcnow
from relaydesk.store.tables import agent_presence, agent_sessions, agents, conversations


def _to_account(row: Row[Any]) -> AgentAccount:
    return AgentAccount(
        id=AgentId(row.id),
        email=row.email,
        display_name=row.display_name,
        role=Role(row.role),
        skills=frozenset(row.skills or ()),
        languages=frozenset(row.languages or ()),
        capacity=row.capacity,
        active=bool(row.active),
    )


class AgentStore:
    """Repository for agents; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, account: AgentAccount, password_hash: str) -> AgentAccount:
        """Store a new agent; the id in `account` is ignored and a fresh one returned."""
        agent_id = AgentId(new_id("agt"))
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(agents).values(
                        id=agent_id,
                        email=account.email,
                        display_name=account.display_name,
                        role=account.role.value,
                        password_hash=password_hash,
                        skills=sorted(account.skills),
                        languages=sorted(account.languages),
                        capacity=account.capacity,
                        active=account.active,
                        created_at=utcnow(),
                    )
                )
        except IntegrityError as error:
            raise Conflict("An agent with this email already exists.") from error
        return replace(account, id=agent_id)

    def get(self, agent_id: AgentId) -> AgentAccount:
        with reading(self.engine) as conn:
            row = conn.execute(select(agents).where(agents.c.id == agent_id)).first()
        if row is None:
            raise NotFound("No such agent.")
        return _to_account(row)

    def credentials(self, email: str) -> tuple[AgentAccount, str] | None:
        """The account with this email and its password hash, if any."""
        with reading(self.engine) as conn:
            row = conn.execute(
                select(agents).where(func.lower(agents.c.email) == email.lower())
            ).first()
        return (_to_account(row), row.password_hash) if row is not None else None

    def all(self) -> list[AgentAccount]:
        with reading(self.engine) as conn:
            rows = conn.execute(select(agents).order_by(agents.c.email)).all()
        return [_to_account(row) for row in rows]

    def set_password_hash(self, agent_id: AgentId, password_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(agents).where(agents.c.id == agent_id).values(password_hash=password_hash)
            )

    def any_agent(self) -> bool:
        with reading(self.engine) as conn:
            return conn.execute(select(agents.c.id).limit(1)).first() is not None

    def set_active(self, agent_id: AgentId, active: bool) -> AgentAccount:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(agents).where(agents.c.id == agent_id).values(active=active)
            )
            if result.rowcount != 1:
                raise NotFound("No such agent.")
            if not active:
                conn.execute(delete(agent_sessions).where(agent_sessions.c.agent_id == agent_id))
        return self.get(agent_id)

    def update_profile(
        self, agent_id: AgentId, skills: frozenset[str], languages: frozenset[str], capacity: int
    ) -> AgentAccount:
        """What routing reads about an agent: skills, languages and how many at once."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(agents)
                .where(agents.c.id == agent_id)
                .values(skills=sorted(skills), languages=sorted(languages), capacity=capacity)
            )
            if result.rowcount != 1:
                raise NotFound("No such agent.")
        return self.get(agent_id)

    # --- sessions ---

    def create_session(self, token_hash: str, agent_id: AgentId, expires_at: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(agent_sessions).values(
                    token_hash=token_hash,
                    agent_id=agent_id,
                    created_at=utcnow(),
                    expires_at=expires_at,
                )
            )

    def session_agent(self, token_hash: str, now: datetime) -> AgentAccount | None:
        """The active agent holding this unexpired session, if any."""
        with reading(self.engine) as conn:
            row = conn.execute(
                select(agents, agent_sessions.c.expires_at)
                .join(agent_sessions, agent_sessions.c.agent_id == agents.c.id)
                .where(agent_sessions.c.token_hash == token_hash)
            ).first()
        if row is None or _aware(row.expires_at) <= now or not row.active:
            return None
        return _to_account(row)

    def live_sessions(self, agent_id: AgentId, now: datetime) -> int:
        """How many unexpired sessions this agent has open."""
        with reading(self.engine) as conn:
            found = conn.execute(
                select(func.count())
                .select_from(agent_sessions)
                .where(agent_sessions.c.agent_id == agent_id, agent_sessions.c.expires_at > now)
            ).scalar_one()
        return int(found)

    def delete_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(agent_sessions).where(agent_sessions.c.token_hash == token_hash))

    # --- presence ---

    def set_presence(self, agent_id: AgentId, status: Presence, now: datetime) -> None:
        """Record the agent's presence and that they were seen now."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(agent_presence)
                .where(agent_presence.c.agent_id == agent_id)
                .values(status=status.value, last_seen=now)
            )
            if result.rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(agent_presence).values(
                                agent_id=agent_id, status=status.value, last_seen=now
                            )
                        )
                except IntegrityError:  # a concurrent first heartbeat inserted it
                    conn.execute(
                        update(agent_presence)
                        .where(agent_presence.c.agent_id == agent_id)
                        .values(status=status.value, last_seen=now)
                    )

    def touch(self, agent_id: AgentId, now: datetime, *, wake: bool = False) -> Presence:
        """Seen now; presence unchanged, except that `wake` turns offline into away.

        A heartbeat does not wake: an agent who went offline (by choice or by timing out)
        chooses again before work reaches them. Taking a conversation does wake.
        """
        current = self.status(agent_id).presence
        presence = Presence.AWAY if wake and current is Presence.OFFLINE else current
        self.set_presence(agent_id, presence, now)
        return presence

    def status(self, agent_id: AgentId) -> AgentStatus:
        statuses = self.statuses(agent_ids=[agent_id])
        if not statuses:
            raise NotFound("No such agent.")
        return statuses[0]

    def statuses(self, agent_ids: list[AgentId] | None = None) -> list[AgentStatus]:
        """Every (or the given) agent with presence and how many conversations they hold."""
        load = (
            select(conversations.c.agent_id, func.count().label("load"))
            .where(conversations.c.owner == Owner.AGENT.value)
            .group_by(conversations.c.agent_id)
            .subquery()
        )
        query = (
            select(agents, agent_presence.c.status, agent_presence.c.last_seen, load.c.load)
            .outerjoin(agent_presence, agent_presence.c.agent_id == agents.c.id)
            .outerjoin(load, load.c.agent_id == agents.c.id)
            .order_by(agents.c.email)
        )
        if agent_ids is not None:
            query = query.where(agents.c.id.in_(agent_ids))
        with reading(self.engine) as conn:
            rows = conn.execute(query).all()
        return [
            AgentStatus(
                agent=_to_account(row),
                presence=Presence(row.status) if row.status else Presence.OFFLINE,
                last_seen=_aware(row.last_seen) if row.last_seen else None,
                load=int(row.load or 0),
            )
            for row in rows
        ]

    def mark_offline_unseen_since(self, cutoff: datetime) -> list[AgentId]:
        """Agents not seen since `cutoff` go offline; returns who did."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                update(agent_presence)
                .where(
                    agent_presence.c.last_seen < cutoff,
                    agent_presence.c.status != Presence.OFFLINE.value,
                )
                .values(status=Presence.OFFLINE.value)
                .returning(agent_presence.c.agent_id)
            ).all()
        return [AgentId(row.agent_id) for row in rows]

    def offline_holders(self) -> list[tuple[AgentId, list[str]]]:
        """Offline (or never seen) agents who still hold conversations, with those ids."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations.c.agent_id, conversations.c.id)
                .outerjoin(agent_presence, agent_presence.c.agent_id == conversations.c.agent_id)
                .where(
                    conversations.c.owner == Owner.AGENT.value,
                    (agent_presence.c.status == Presence.OFFLINE.value)
                    | agent_presence.c.status.is_(None),
                )
            ).all()
        held: dict[str, list[str]] = {}
        for row in rows:
            held.setdefault(row.agent_id, []).append(row.id)
        return [(AgentId(agent_id), ids) for agent_id, ids in held.items()]

    def held_conversations(self, agent_id: AgentId) -> list[Conversation]:
        """The conversations this agent holds, oldest first."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations)
                .where(
                    conversations.c.owner == Owner.AGENT.value,
                    conversations.c.agent_id == agent_id,
                )
                .order_by(conversations.c.updated_at)
            ).all()
        return [_to_conversation(row) for row in rows]
