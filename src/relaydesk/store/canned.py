"""Canned responses: one row per shortcut and language; disabling keeps the row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update

from relaydesk.domain.canned import CannedResponse
from relaydesk.domain.errors import NotFound
from relaydesk.store.conversations import _aware, new_id
from relaydesk.store.tables import canned_responses


def _to_canned(row: Row[Any]) -> CannedResponse:
    return CannedResponse(
        id=row.id,
        shortcut=row.shortcut,
        language=row.language,
        title=row.title,
        body=row.body,
        active=row.active,
        updated_by=row.updated_by,
        updated_at=_aware(row.updated_at),
    )


class CannedStore:
    """Repository for canned responses; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(
        self, language: str | None = None, *, active_only: bool = False
    ) -> list[CannedResponse]:
        query = select(canned_responses).order_by(
            canned_responses.c.shortcut, canned_responses.c.language
        )
        if language is not None:
            query = query.where(canned_responses.c.language == language)
        if active_only:
            query = query.where(canned_responses.c.active.is_(True))
        with self.engine.begin() as conn:
            return [_to_canned(row) for row in conn.execute(query).all()]

    def get(self, canned_id: str) -> CannedResponse:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(canned_responses).where(canned_responses.c.id == canned_id)
            ).first()
        if row is None:
            raise NotFound("No such canned response.")
        return _to_canned(row)

    def save(
        self, shortcut: str, language: str, title: str, body: str, by: str, now: datetime
    ) -> CannedResponse:
        """Create, or replace the text of the response with this shortcut and language."""
        values = {"title": title, "body": body, "active": True, "updated_by": by, "updated_at": now}
        key = (canned_responses.c.shortcut == shortcut) & (canned_responses.c.language == language)
        with self.engine.begin() as conn:
            found = conn.execute(select(canned_responses.c.id).where(key)).first()
            if found is None:
                canned_id = new_id("can")
                conn.execute(
                    insert(canned_responses).values(
                        id=canned_id, shortcut=shortcut, language=language, **values
                    )
                )
            else:
                canned_id = found.id
                conn.execute(update(canned_responses).where(key).values(**values))
        return self.get(canned_id)

    def set_active(self, canned_id: str, active: bool, by: str, now: datetime) -> CannedResponse:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(canned_responses)
                .where(canned_responses.c.id == canned_id)
                .values(active=active, updated_by=by, updated_at=now)
            ).rowcount
        if not changed:
            raise NotFound("No such canned response.")
        return self.get(canned_id)
