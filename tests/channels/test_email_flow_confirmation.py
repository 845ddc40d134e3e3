"""A flow that needs a confirmation, by email: the assistant asks in its answer, and the
customer's emailed reply (quoted history and all) continues the flow through dovecot."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from channels.test_email_conversation import EmailDesk, customer_mail, email_desk
from relaydesk.packs.paylater.backend import ALICE_EMAIL, ALICE_PLAN_ORDER_ID
from relaydesk.packs.paylater.backend import tables as pl

__all__ = ["email_desk"]  # the fixture, shared with the other email conversation tests

ALICE = f"Alice Andersson <{ALICE_EMAIL}>"


def reply_to(answer: EmailMessage, text: str, message_id: str) -> EmailMessage:
    """The customer's reply in their mail program: the answer quoted below their words."""
    quoted = "\n".join(f"> {line}" for line in answer.get_content().splitlines())
    return customer_mail(
        f"{text}\n\nOn Monday, Pay-later support wrote:\n{quoted}\n",
        message_id,
        From=ALICE,
        Subject=f"Re: {answer['Subject']}",
        In_Reply_To=str(answer["Message-ID"]),
        References=str(answer["Message-ID"]),
    )


def postponed(email_desk: EmailDesk) -> list[bool]:
    with email_desk.engine.connect() as conn:
        return list(
            conn.execute(
                select(pl.instalments.c.postponed)
                .join(pl.payment_plans, pl.payment_plans.c.id == pl.instalments.c.plan_id)
                .where(pl.payment_plans.c.order_id == ALICE_PLAN_ORDER_ID)
            ).scalars()
        )


def test_a_confirmation_asked_by_email_is_answered_by_reply_and_the_flow_completes(
    email_desk: EmailDesk,
) -> None:
    email_desk.deliver(
        customer_mail(
            f"Please postpone my next payment for {ALICE_PLAN_ORDER_ID} by 5 days.",
            "<p1@mail.example>", From=ALICE, Subject="Postpone",
        )
    )
    email_desk.read_and_answer()
    asks_who = email_desk.smtp.recorder.messages[-1]
    body = asks_who.get_content()
    assert "order number" in body.lower(), body

    email_desk.deliver(
        reply_to(asks_who, f"{ALICE_EMAIL}, order {ALICE_PLAN_ORDER_ID}", "<p2@mail.example>")
    )
    email_desk.read_and_answer()
    asks_yes = email_desk.smtp.recorder.messages[-1]
    body = asks_yes.get_content()
    assert "  - Yes" in body and "  - No" in body, body  # the choices, to be written back
    assert not any(postponed(email_desk))

    email_desk.deliver(reply_to(asks_yes, "Yes", "<p3@mail.example>"))
    email_desk.read_and_answer()
    done = email_desk.smtp.recorder.messages[-1]
    assert done["In-Reply-To"] == "<p3@mail.example>"
    assert any(postponed(email_desk)), done.get_content()
    subjects = {str(m["Subject"]) for m in email_desk.smtp.recorder.messages}
    assert len(subjects) == 1  # one thread throughout
