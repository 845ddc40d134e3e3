"""Reading incoming email: new text only, HTML as text, and no answers to machines."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from relaydesk.channels.email.inbound import parse_email


def mail(body: str = "Hello", subtype: str = "plain", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Anna Berg <Anna@Mail.example>")
    message["To"] = "support@shop.example"
    message["Subject"] = "Late payment"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, subtype=subtype)
    return message.as_bytes()


def test_quoted_history_and_the_signature_are_left_out() -> None:
    body = (
        "Thanks, that helps! Can I pay on Friday?\n\n"
        "Best regards,\nAnna\nSent from my iPhone\n\n"
        "On Mon, 1 Dec 2026 at 10:00, Shop support <support@shop.example> wrote:\n"
        "> Hello Anna,\n> the fee is 5 EUR.\n"
    )
    parsed = parse_email(mail(body))
    assert parsed.text == "Thanks, that helps! Can I pay on Friday?"
    assert (parsed.sender, parsed.sender_name) == ("anna@mail.example", "Anna Berg")


def test_an_html_only_email_is_read_as_text() -> None:
    html = "<html><body><p>Where is <b>my refund</b>?</p><p>Order 1234</p></body></html>"
    parsed = parse_email(mail(html, subtype="html"))
    assert "Where is **my refund**?" in parsed.text
    assert "Order 1234" in parsed.text
    assert "<p>" not in parsed.text


def test_a_reply_names_what_it_replies_to_in_reply_to_first() -> None:
    parsed = parse_email(
        mail(
            In_Reply_To="<b@shop.example>",
            References="<q1@mail.example> <a@shop.example> <b@shop.example>",
            Message_ID="<r2@mail.example>",
        )
    )
    assert parsed.message_id == "<r2@mail.example>"
    assert parsed.replies_to == ["<b@shop.example>", "<a@shop.example>", "<q1@mail.example>"]


def test_an_email_without_a_message_id_gets_one_from_its_content() -> None:
    raw = mail("same words")
    assert parse_email(raw).message_id == parse_email(raw).message_id
    assert parse_email(raw).message_id != parse_email(mail("other words")).message_id


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto_submitted"),
        ({"Precedence": "bulk"}, "precedence"),
        ({"List_Id": "<news.shop.example>"}, "mailing_list"),
        ({"X_Autoreply": "yes"}, "auto_reply"),
        ({"From": "MAILER-DAEMON@mx.mail.example"}, "robot_sender"),
        ({"From": "no-reply@bank.example"}, "robot_sender"),
    ],
)
def test_machines_are_recognised_so_they_never_get_an_answer(
    headers: dict[str, str], why: str
) -> None:
    assert parse_email(mail(**headers)).automated == why


def test_a_person_writing_is_not_taken_for_a_machine() -> None:
    assert parse_email(mail(Auto_Submitted="no")).automated is None


def test_attachments_are_read_with_name_type_and_content() -> None:
    message = EmailMessage()
    message["From"] = "anna@mail.example"
    message["Subject"] = "Receipt"
    message.set_content("Here is the receipt.")
    message.add_attachment(
        b"%PDF-1.4 test", maintype="application", subtype="pdf", filename="receipt.pdf"
    )
    (attachment,) = parse_email(message.as_bytes()).attachments
    assert (attachment.filename, attachment.content_type) == ("receipt.pdf", "application/pdf")
    assert attachment.content == b"%PDF-1.4 test"
