"""What the demo company's tools make true, as a model might state it, in its languages."""

from __future__ import annotations

from relaydesk.assistant.claims import DONE_WORDS, ClaimPattern, claim

CLAIMS: tuple[ClaimPattern, ...] = (
    claim("request_refund", rf"(?:{DONE_WORDS})(?:refunded|issued\s+(?:a|your)\s+refund)"),
    claim("request_refund", r"refund\s+(?:has\s+been|was|is)\s+(?:approved|issued|processed|sent)"),
    claim("postpone_payment", rf"(?:{DONE_WORDS})(?:postponed|moved|pushed\s+back|extended)"),
    claim("pause_payments", rf"(?:{DONE_WORDS})paused"),
    claim("pay_instalment", rf"(?:{DONE_WORDS})(?:paid|charged|settled)"),
    claim("open_dispute", rf"(?:{DONE_WORDS})(?:opened|filed|raised)\s+(?:a|the|your)\s+dispute"),
    claim("request_refund", r"(?:har|blivit)\s+återbetal|återbetalningen\s+är\s+godkänd"),
    claim("postpone_payment", r"har\s+(?:skjutits\s+upp|flyttats|skjutit\s+upp)"),
    claim("request_refund", r"(?:wurde|habe|haben)\s+(?:\w+\s+){0,3}erstattet"),
    claim("postpone_payment", r"(?:wurde|habe|haben)\s+(?:\w+\s+){0,3}verschoben"),
    claim("request_refund", r"(?:he|hemos|ha\s+sido)\s+reembolsad"),
    claim("postpone_payment", r"(?:he|hemos|ha\s+sido)\s+aplazad"),
    claim("request_refund", r"(?:j'ai|nous\s+avons|a\s+été)\s+rembours"),
    claim("postpone_payment", r"(?:j'ai|nous\s+avons|a\s+été)\s+report"),
)
