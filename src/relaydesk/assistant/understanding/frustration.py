# ruff: noqa: RUF001  (the word lists are in many scripts on purpose)
"""A per-message frustration score from words, repetition and shouting, in many languages."""

from __future__ import annotations

import re
import unicodedata

# anger, insults, despair: each hit adds much, since customers rarely use them calmly
_ANGER = (
    # en
    "angry", "furious", "ridiculous", "unacceptable", "disgrace", "disgusting", "useless",
    "terrible", "awful", "worst", "scam", "fraudsters", "thieves", "incompetent", "pathetic",
    "stupid", "idiot", "hate", "fed up", "sick of", "joke", "shit", "fuck", "damn", "wtf",
    "crap", "sue", "lawyer", "outrageous", "horrible", "nonsense", "annoyed", "frustrated",
    "frustrating", "annoying", "pissed",
    # sv, da, no
    "arg", "förbannad", "löjligt", "oacceptabelt", "värdelös", "bedragare", "skandal",
    "skit", "jävla", "idiot", "hopplöst", "irriterad", "vred", "latterligt",
    "uacceptabelt", "elendig", "sint", "håpløst", "forbanna",
    # de, nl
    "wütend", "sauer", "lächerlich", "inakzeptabel", "unverschämt", "frechheit", "betrug",
    "betrüger", "scheiße", "scheisse", "katastrophe", "nutzlos", "anwalt", "boos",
    "belachelijk", "onacceptabel", "oplichters", "waardeloos", "schandalig",
    # fr, es, it, pt
    "furieux", "furieuse", "inadmissible", "inacceptable", "scandaleux", "honteux", "nul",
    "arnaque", "escrocs", "voleurs", "merde", "ridicule", "avocat", "énervé", "enfadado",
    "furioso", "inaceptable", "vergonzoso", "estafa", "ladrones", "mierda", "ridículo",
    "harto", "harta", "abogado", "arrabbiato", "inaccettabile", "vergogna", "truffa",
    "ladri", "schifo", "ridicolo", "avvocato", "irritado", "absurdo", "inaceitável",
    "vergonha", "golpe", "ladrões", "porcaria", "advogado",
    # fi, pl, cs, hu, ro, tr, ru, uk, el
    "vihainen", "naurettavaa", "huijaus", "paska", "wściekły", "skandal", "oszustwo",
    "oszuści", "żałosne", "naštvaný", "podvod", "dühös", "botrány", "csalás", "furios",
    "inacceptabil", "țeapă", "escroci", "rezalet", "dolandırıcı", "saçmalık", "sinirli",
    "возмутительно", "безобразие", "мошенники", "ужасно", "бесит", "обман", "жахливо",
    "шахраї", "обурливо", "απαράδεκτο", "απάτη", "θυμωμένος",
    # ar, he, fa, hi, zh, ja, ko, id, vi, th
    "غاضب", "سخيف", "احتيال", "نصابين", "כועס", "שערורייה", "נוכלים", "عصبانی", "کلاهبرداری",
    "गुस्सा", "धोखा", "बकवास", "生气", "骗子", "垃圾", "太差", "愤怒", "ふざけるな", "最悪",
    "詐欺", "怒", "화가", "사기", "짜증", "최악", "marah", "penipu", "kecewa", "tức giận",
    "lừa đảo", "โกง", "โมโห",
)  # fmt: skip

# signs that this is not the first attempt
_REPETITION = (
    "third time", "3rd time", "again", "still", "once more", "how many times", "for weeks",
    "tredje gången", "igen", "fortfarande", "fortsatt", "dritte mal", "schon wieder",
    "immer noch", "noch immer", "troisième fois", "encore", "toujours pas", "tercera vez",
    "otra vez", "todavía", "sigue sin", "terza volta", "ancora", "di nuovo", "terceira vez",
    "de novo", "ainda", "kolmannen kerran", "taas", "trzeci raz", "znowu", "wciąż",
    "третий раз", "опять", "снова", "до сих пор", "üçüncü kez", "yine", "hala",
    "第三次", "三回目", "세 번째", "lagi", "masih",
)  # fmt: skip

_BOUNDARY_FREE = re.compile(r"[\u0E00-\u0E7F\u2E80-\u9FFF\uAC00-\uD7AF\u3040-\u30FF]")


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    parts = [
        re.escape(term) if _BOUNDARY_FREE.match(term) else rf"(?<!\w){re.escape(term)}(?!\w)"
        for term in sorted({term.casefold() for term in terms}, key=len, reverse=True)
    ]
    return re.compile("|".join(parts))


_ANGER_PATTERN = _pattern(_ANGER)
_REPETITION_PATTERN = _pattern(_REPETITION)
_EXCLAMATIONS = re.compile(r"[!！]{2,}|[?？][!！]|[!！][?？]")
_ANGRY_EMOJI = re.compile("[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f47f\U0001f4a2]")


def frustration_score(text: str) -> float:
    """0 for a calm message, towards 1 for anger, insults, shouting and repeated complaints."""
    sample = unicodedata.normalize("NFC", text[:2000])
    folded = sample.casefold()
    anger = len(_ANGER_PATTERN.findall(folded))
    repetition = len(_REPETITION_PATTERN.findall(folded))
    score = 0.35 * min(anger, 2) + 0.2 * min(repetition, 2)
    score += 0.15 * bool(_EXCLAMATIONS.search(sample)) + 0.15 * bool(_ANGRY_EMOJI.search(sample))
    score += 0.25 * _shouting(sample)
    return round(min(score, 1.0), 3)


def _shouting(text: str) -> float:
    """Share of upper-case letters in a message long enough for caps to mean shouting."""
    cased = [char for char in text if char.isupper() or char.islower()]
    if len(cased) < 8:
        return 0.0
    upper_share = sum(char.isupper() for char in cased) / len(cased)
    return 1.0 if upper_share > 0.7 else 0.0
