"""Personal data is found only where it really is, and masked everywhere it is asked to be."""

import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.security import pii
from relaydesk.security.log_masking import PiiLogFilter, install_log_masking
from relaydesk.security.pii import (
    SENSITIVE_KINDS,
    find_pii,
    iban_valid,
    luhn_valid,
    mask_data,
    mask_text,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("my card is 4111 1111 1111 1111, thanks", "my card is [card], thanks"),
        ("card 5555-5555-5555-4444", "card [card]"),
        ("IBAN SE45 5000 0000 0583 9825 7466 please", "IBAN [iban] please"),
        ("DE89370400440532013000", "[iban]"),
        ("write to alice@example.com today", "write to [email] today"),
        ("call +46 70 123 45 67 or 070-123 45 67", "call [phone] or [phone]"),
        ("personnummer 19811218-9876", "personnummer [national id]"),
        ("pnr 811218-9876", "pnr [national id]"),
        ("hetu 131052-308T", "hetu [national id]"),
        ("DNI 12345678Z", "DNI [national id]"),
        ("SSN 123-45-6789", "SSN [national id]"),
    ],
)
def test_personal_data_of_every_kind_is_masked_with_its_label(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112",  # fails the Luhn check
        "DE89370400440532013001",  # fails the IBAN check
        "pnr 811218-9875",  # fails the personnummer check
        "DNI 12345678A",  # wrong control letter
        "order ORD-100001 of 1249.00 EUR due 2026-11-23, card ending 4242",
        "postpone it by 10 days, refund RF-100002",
    ],
)
def test_numbers_that_are_not_personal_data_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_the_checksums_accept_real_numbers_and_refuse_one_digit_off() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB82WEST12345698765433")


def test_only_the_sensitive_kinds_are_masked_when_asked() -> None:
    text = "alice@example.com paid with 4111111111111111"
    assert mask_text(text, SENSITIVE_KINDS) == "alice@example.com paid with [card]"
    assert [f.kind for f in find_pii(text)] == ["email", "card"]


def test_data_is_masked_at_any_depth_and_keeps_its_shape() -> None:
    data = {"params": {"email": "a@b.se", "ids": ["4111111111111111", 3]}, "n": 1.5}
    assert mask_data(data) == {"params": {"email": "[email]", "ids": ["[card]", 3]}, "n": 1.5}


def test_a_log_record_carries_masked_text_and_a_masked_traceback() -> None:
    record = logging.LogRecord(
        "relaydesk.test", logging.ERROR, __file__, 1, "card %s for %s", None, None
    )
    record.args = ("4111 1111 1111 1111", "alice@example.com")
    try:
        raise ValueError("bad IBAN SE4550000000058398257466")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert PiiLogFilter().filter(record)
    assert record.getMessage() == "card [card] for [email]"
    assert record.exc_text is not None and "SE4550000000058398257466" not in record.exc_text
    assert "[iban]" in record.exc_text


def test_every_logger_masks_once_log_masking_is_installed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_masking()
    install_log_masking()  # a second app in the same process changes nothing
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("customer wrote %s", "my card 4111111111111111")
    assert caplog.records[-1].getMessage() == "customer wrote my card [card]"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789٤@ -+.AZaz\u00e9é", max_size=40))
def test_the_quick_look_for_digits_and_at_signs_never_hides_a_finding(text: str) -> None:
    found = find_pii(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pii, "_MAY_HOLD_PII", re.compile(""))  # every pattern tried
        assert find_pii(text) == found


def test_text_without_digits_or_at_signs_holds_no_personal_data() -> None:
    assert find_pii("Write to alice at example dot com, my card is four one one one") == []
    assert find_pii("card ٤١١١١١١١١١١١١١١١") == find_pii("card 4111111111111111")
