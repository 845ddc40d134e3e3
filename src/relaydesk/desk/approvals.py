"""Approvals: actions the assistant proposes that a person must allow or refuse.

The assistant side calls `ApprovalDesk.propose`; an agent or supervisor decides; the
injected `ApprovedActionExecutor` then runs the action (or explains the refusal) and the
events it returns are appended with the decision, so the customer is kept informed.

Who decides: anyone who may read the conversation (its holder, an agent whose queue it is in,
whatever their load, or a supervisor), and for an approval only someone whose own role limit
covers the action. A decision returns the conversation to its owner: a person who holds it
keeps it; one still waiting only for the decision goes back to the assistant.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from relaydesk.bus.base import EventBus, notify_changed
from relaydesk.desk.routing import RoutingDesk
from relaydesk.domain.agents import AgentAccount, ApprovalRequest, ApprovalStatus
from relaydesk.domain.errors import Conflict, Forbidden, InvalidInput
from relaydesk.domain.model import ConversationId, EventKind, NewEvent, Owner, Source
from relaydesk.domain.ownership import Transition, apply_transition
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore

log = logging.getLogger(__name__)

APPROVAL_ESCALATION = "needs_approval"  # the escalation reason of an action awaiting approval


class ApprovedActionExecutor(Protocol):
    """Completes or explains a decided action; returns the events to append (replies too)."""

    def execute(
        self, conversation_id: str, tool: str, params: dict[str, Any], approved_by: str
    ) -> list[NewEvent]: ...

    def explain_rejection(self, conversation_id: str, tool: str, reason: str) -> list[NewEvent]: ...

    def beyond_limit(
        self, conversation_id: str, tool: str, params: dict[str, Any], approver: AgentAccount
    ) -> str | None:
        """Why this person may not approve the action, None when their role's limit covers it."""
        ...


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

    def beyond_limit(
        self, conversation_id: str, tool: str, params: dict[str, Any], approver: AgentAccount
    ) -> str | None:
        return None  # without a pack's policy there are no limits to compare


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
        notify_changed(self.bus, conversation_id)
        return request.id

    def pending_for(self, agent: AgentAccount) -> list[ApprovalRequest]:
        """Supervisors see every pending request; agents those they may decide, whatever
        their load: in conversations they hold or that wait in their queue."""
        pending = self.approvals.pending()
        if agent.supervises:
            return pending
        return [r for r in pending if self._may_read(agent, r.conversation_id)]

    def _may_read(self, agent: AgentAccount, conversation_id: ConversationId) -> bool:
        try:
            self.routing.require_can_read(agent, self.store.get_conversation(conversation_id))
        except Forbidden:
            return False
        return True

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
        held_by_other = conversation.owner is Owner.AGENT and conversation.agent_id != agent.id
        if not agent.supervises and (
            held_by_other or not self._may_read(agent, conversation.id)
        ):
            raise Forbidden("Only the agent holding the conversation or a supervisor decides.")
        if request.requested_by is not None and (
            request.requested_by == agent.id or not agent.supervises
        ):
            raise Forbidden("A supervisor other than the requester decides on a person's request.")
        if status is ApprovalStatus.APPROVED and request.status is ApprovalStatus.PENDING:
            beyond = self.executor.beyond_limit(
                request.conversation_id, request.tool, request.params, agent
            )
            if beyond is not None:
                raise Forbidden(beyond)
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
        events = [decision, *follow_up]
        if status is ApprovalStatus.FAILED:  # a person must look at it: it stays queued
            self.store.append(request.conversation_id, events)
        else:
            self._append_and_return(request.conversation_id, events)
        notify_changed(self.bus, request.conversation_id)

    def _append_and_return(self, conversation_id: ConversationId, events: list[NewEvent]) -> None:
        """Append the decision; a conversation waiting only for it goes back to the assistant."""
        conversation = self.store.get_conversation(conversation_id)
        entry = self.routing.queue.entry_for(conversation_id)
        waiting_for_this = (
            conversation.owner is Owner.QUEUED
            and entry is not None
            and entry.reason == APPROVAL_ESCALATION
        )
        if waiting_for_this:
            change = apply_transition(conversation.owner, Transition.RESUME)
            back = change.event(
                Source.SYSTEM,
                text="You are back with our assistant, who can help with anything else.",
                reason="approval_decided",
            )
            try:
                self.store.append(
                    conversation_id, [*events, back], owner_change=(change, conversation.version)
                )
            except Conflict:  # a person claimed it meanwhile: they keep it
                pass
            else:
                self.routing.queue.mark_left(conversation_id, self.routing.clock())
                self.routing.publish_queue_change()
                return
        self.store.append(conversation_id, events)
