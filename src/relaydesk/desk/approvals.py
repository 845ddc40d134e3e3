"""Approvals: actions the assistant proposes that a person must allow or refuse.

The assistant side calls `ApprovalDesk.propose`; an agent or supervisor decides; the
injected `ApprovedActionExecutor` then runs the action (or explains the refusal) and the
events it returns are appended with the decision, so the customer is kept informed.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from relaydesk.bus.base import EventBus, conversation_topic
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import AgentAccount, ApprovalRequest, ApprovalStatus
from relaydesk.domain.errors import Forbidden, InvalidInput
from relaydesk.domain.model import ConversationId, EventKind, NewEvent, Owner, Source
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore

log = logging.getLogger(__name__)


class ApprovedActionExecutor(Protocol):
    """Completes or explains a decided action; returns the events to append (replies too)."""

    def execute(
        self, conversation_id: str, tool: str, params: dict[str, Any], approved_by: str
    ) -> list[NewEvent]: ...

    def explain_rejection(self, conversation_id: str, tool: str, reason: str) -> list[NewEvent]: ...


class AcknowledgingExecutor:
    """Until a domain pack runs approved actions: tell the customer what was decided."""

    def execute(
        self, conversation_id: str, tool: str, params: dict[str, Any], approved_by: str
    ) -> list[NewEvent]:
        return [
            NewEvent(
                kind=EventKind.MESSAGE,
                source=Source.SYSTEM,
                text="Good news: your request has been approved and is being processed.",
            )
        ]

    def explain_rejection(self, conversation_id: str, tool: str, reason: str) -> list[NewEvent]:
        return [
            NewEvent(
                kind=EventKind.MESSAGE,
                source=Source.SYSTEM,
                text=f"We are sorry, we could not approve this request: {reason}",
            )
        ]


class ApprovalDesk:
    """Proposing, listing and deciding approval requests."""

    def __init__(
        self,
        store: ConversationStore,
        approvals: ApprovalStore,
        routing: RoutingDesk,
        bus: EventBus,
        executor: ApprovedActionExecutor | None = None,
    ) -> None:
        self.store = store
        self.approvals = approvals
        self.routing = routing
        self.bus = bus
        self.executor: ApprovedActionExecutor = executor or AcknowledgingExecutor()

    def propose(
        self,
        conversation_id: ConversationId,
        tool: str,
        params: dict[str, Any],
        summary: str,
        *,
        approval_id: str | None = None,
        append_event: bool = True,
        requested_by: AgentAccount | None = None,
    ) -> str:
        """Record an action waiting for a person; returns its approval id.

        Appends an APPROVAL event {approval_id, status: pending, tool, params, summary}. A
        caller that already appended that event itself (in its own turn's transaction)
        passes its `approval_id` and `append_event=False`; repeating a known id is harmless.
        A person's own call (`requested_by`) is decided by a supervisor other than them.
        """
        requester = requested_by.id if requested_by else None
        request, created = self.approvals.create(
            conversation_id, tool, params, summary, approval_id, requester
        )
        if created and append_event:
            pending = NewEvent(
                kind=EventKind.APPROVAL,
                source=Source.AGENT if requester else Source.ASSISTANT,
                data={
                    "approval_id": request.id,
                    "status": ApprovalStatus.PENDING.value,
                    "tool": tool,
                    "params": params,
                    "summary": summary,
                },
                actor_id=requester,
            )
            self.store.append(conversation_id, [pending])
        self._notify(conversation_id)
        return request.id

    def pending_for(self, agent: AgentAccount) -> list[ApprovalRequest]:
        """Supervisors see every pending request; agents those in conversations they hold."""
        if agent.supervises:
            return self.approvals.pending()
        held = [c.id for c in self.routing.agents.held_conversations(agent.id)]
        return self.approvals.pending(held) if held else []

    def approve(
        self, approval_id: str, agent: AgentAccount, reason: str | None = None
    ) -> ApprovalRequest:
        """Allow the action; the executor runs it and tells the customer."""
        request = self._decide(approval_id, agent, ApprovalStatus.APPROVED, reason)
        try:
            follow_up = self.executor.execute(
                request.conversation_id, request.tool, request.params, agent.id
            )
        except Exception:
            log.exception("An approved action failed to run")
            self.approvals.mark_failed(request.id)
            self._record(request, agent, ApprovalStatus.FAILED, reason, [])
            return self.approvals.get(request.id)
        self._record(request, agent, ApprovalStatus.APPROVED, reason, follow_up)
        return request

    def reject(self, approval_id: str, agent: AgentAccount, reason: str) -> ApprovalRequest:
        """Refuse the action with a reason; the customer is told why."""
        if not reason.strip():
            raise InvalidInput("Say why the request is rejected.")
        request = self._decide(approval_id, agent, ApprovalStatus.REJECTED, reason.strip())
        follow_up = self.executor.explain_rejection(
            request.conversation_id, request.tool, reason.strip()
        )
        self._record(request, agent, ApprovalStatus.REJECTED, reason.strip(), follow_up)
        return request

    def _decide(
        self, approval_id: str, agent: AgentAccount, status: ApprovalStatus, reason: str | None
    ) -> ApprovalRequest:
        request = self.approvals.get(approval_id)
        conversation = self.store.get_conversation(request.conversation_id)
        holds = conversation.owner is Owner.AGENT and conversation.agent_id == agent.id
        if not (holds or agent.supervises):
            raise Forbidden("Only the agent holding the conversation or a supervisor decides.")
        if request.requested_by is not None and (
            request.requested_by == agent.id or not agent.supervises
        ):
            raise Forbidden("A supervisor other than the requester decides on a person's request.")
        return self.approvals.decide(approval_id, status, agent.id, reason, self.routing.clock())

    def _record(
        self,
        request: ApprovalRequest,
        agent: AgentAccount,
        status: ApprovalStatus,
        reason: str | None,
        follow_up: list[NewEvent],
    ) -> None:
        decision = NewEvent(
            kind=EventKind.APPROVAL,
            source=Source.AGENT,
            actor_id=agent.id,
            data={
                "approval_id": request.id,
                "status": status.value,
                "tool": request.tool,
                "decided_by": agent.id,
                "reason": reason,
            },
        )
        self.store.append(request.conversation_id, [decision, *follow_up])
        self._notify(request.conversation_id)

    def _notify(self, conversation_id: ConversationId) -> None:
        try:
            self.bus.publish(
                conversation_topic(conversation_id), {"conversation_id": conversation_id}
            )
        except Exception:
            log.warning("Could not publish a notification for %s", conversation_id, exc_info=True)
