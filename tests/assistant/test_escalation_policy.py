from relaydesk.assistant.dialogue import DialogueState
from relaydesk.assistant.escalation import EscalationPolicy
from relaydesk.assistant.understanding import Understanding
from relaydesk.packs.paylater.assistant import SENSITIVE_INTENTS


def understood(
    intent: str | None = "next_payment",
    confidence: float = 0.9,
    frustration: float = 0.0,
    wants_human: bool = False,
) -> Understanding:
    return Understanding(
        text="...",
        language="en",
        language_confidence=0.9,
        intent=intent,
        confidence=confidence,
        out_of_scope=intent is None,
        entities=(),
        frustration=frustration,
        wants_human=wants_human,
        ranked=((intent or "none", confidence),),
    )


POLICY = EscalationPolicy(sensitive=SENSITIVE_INTENTS)


def test_asking_for_a_person_wins_over_everything_else() -> None:
    escalation = POLICY.before_acting(understood("fraud", wants_human=True), DialogueState())
    assert escalation is not None and escalation.reason == "asked_for_human"


def test_rising_frustration_hands_over_before_it_is_high() -> None:
    state = DialogueState(frustration=[0.1, 0.3, 0.55])
    escalation = POLICY.before_acting(understood(frustration=0.55), state)
    assert escalation is not None and escalation.reason == "frustration"


def test_steady_mild_frustration_does_not_hand_over() -> None:
    state = DialogueState(frustration=[0.5, 0.5, 0.55])
    assert POLICY.before_acting(understood(frustration=0.55), state) is None


def test_sensitive_topics_name_the_skill_a_person_needs() -> None:
    escalation = POLICY.before_acting(understood("hardship"), DialogueState())
    assert escalation is not None
    assert (escalation.reason, escalation.skill) == ("sensitive_hardship", "hardship")


def test_the_same_unfinished_request_three_times_is_a_loop() -> None:
    state = DialogueState(last_intents=["postpone_payment"] * 3)
    escalation = POLICY.before_acting(understood("postpone_payment"), state)
    assert escalation is not None and escalation.reason == "loop"


def test_low_confidence_hands_over_on_the_second_strike_only() -> None:
    assert POLICY.after_low_confidence(DialogueState(low_confidence_streak=1)) is None
    escalation = POLICY.after_low_confidence(DialogueState(low_confidence_streak=2))
    assert escalation is not None and escalation.reason == "low_confidence"


def test_thresholds_are_configuration() -> None:
    strict = EscalationPolicy(frustration_high=0.3)
    escalation = strict.before_acting(understood(frustration=0.35), DialogueState())
    assert escalation is not None and escalation.reason == "frustration"
    assert POLICY.before_acting(understood(frustration=0.35), DialogueState()) is None
