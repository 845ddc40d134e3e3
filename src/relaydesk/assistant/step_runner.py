"""Running the pack's dialogue step for one message: identity first, then the step."""

from __future__ import annotations

from relaydesk.assistant.dialogue import remember
from relaydesk.assistant.identity import identity_values, try_verification
from relaydesk.assistant.step_turn import StepTurn
from relaydesk.assistant.steps import DialogueStep
from relaydesk.assistant.turn import Escalation
from relaydesk.assistant.turn_builder import TurnBuilder

MAX_IDENTITY_ASKS = 3  # asked this often without proof: a person takes over
KEEP_WAITING = 4  # messages kept from before identity was proven


def run_step(turn: TurnBuilder, step: DialogueStep, text: str) -> None:
    """Give the message to the pack's step, once the customer is who the step needs."""
    state = turn.state
    turn.step_took_turn = True
    state.step_open = True
    just_verified = False
    if step.needs_identity and turn.customer_id is None:
        verified = try_verification(turn, text, awaiting=state.step_identity_asks > 0)
        if not verified:
            _ask_identity(turn, text, failed=verified is False)
            return
        # What was asked before proving identity is handled now, with this message.
        text = " ".join([*state.step_waiting, text])
        state.step_waiting, state.step_identity_asks = [], 0
        just_verified = True
    view = StepTurn(turn, state.step_memory, just_verified)
    step.take(view, text)
    state.step_memory = view.memory
    state.step_open = view.open and turn.escalation is None


def offers_identity(turn: TurnBuilder, step: DialogueStep, text: str) -> bool:
    """An anonymous customer saying who they are ("I'm Ann Lee, ann@example.com") is starting
    on what the step needs them verified for."""
    check = turn.parts.verification
    return (
        step.needs_identity
        and turn.customer_id is None
        and check is not None
        and bool(identity_values(turn.parts, check, turn, text, awaiting=False))
    )


def _ask_identity(turn: TurnBuilder, text: str, failed: bool) -> None:
    state = turn.state
    if turn.parts.verification is None or state.step_identity_asks >= MAX_IDENTITY_ASKS:
        turn.say("escalated_handover")
        turn.escalate(Escalation(reason="identity_check", priority=1))
        state.step_open, state.step_waiting, state.step_identity_asks = False, [], 0
        return
    state.step_waiting = remember(state.step_waiting, text, keep=KEEP_WAITING)
    state.step_identity_asks += 1
    if failed:
        turn.say("verify.failed")
    turn.say("ask_verify_identity")
