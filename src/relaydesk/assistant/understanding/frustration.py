# ruff: noqa: RUF001  (the word lists are in many scripts on purpose)
"""A per-message frustration score from anger, repetition, neglect and shouting, in many
languages."""

from __future__ import annotations

import re
import unicodedata

from relaydesk.assistant.understanding.phrases import fold, phrase_pattern

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
    # more forms in the languages the demo supports
    "skandalöst", "urusel", "usel", "upprörd", "frustrerad", "bedrägeri",
    "rasende", "skandaløst", "håbløst", "ubrugelig", "svindel", "svindlere", "irriteret",
    "frustreret", "latterlig", "uakseptabelt", "ubrukelig", "irritert", "frustrert",
    "forbannet", "zumutung", "unfähig", "genervt", "ärgerlich", "nervt", "nervig", "stinksauer",
    "empört", "verarscht",
    "verarsche", "woedend", "kwaad", "schande", "bespottelijk", "absurd", "oplichting",
    "geïrriteerd", "en colère", "énervée", "scandale", "honte", "lamentable", "marre",
    "n'importe quoi", "absurde", "incompétents", "enfadada", "furiosa", "indignado",
    "indignada", "vergüenza", "inútiles", "ridícula", "pésimo", "estafadores", "arrabbiata",
    "assurdo", "vergognoso", "pessimo", "incompetenti", "stufo", "stufa", "scandaloso",
    "irritada", "revoltado", "revoltada", "inadmissível", "péssimo", "vergonhoso",
    "palhaçada", "farto", "farta", "wściekła", "żenujące", "żenada", "niedopuszczalne",
    "skandaliczne", "kpina", "złodzieje", "beznadziejne", "beznadziejny", "zdenerwowany",
    "zdenerwowana", "mam dość", "naurettava", "järkyttävää", "kamalaa", "surkeaa",
    "huijari", "huijarit", "ärsyttää", "ärsyttävää", "turhauttaa", "ala-arvoista",
    "törkeää", "hyödytön",
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
    "yet again", "second time", "over and over", "several times", "many times", "for days",
    "andra gången", "flera gånger", "hur många gånger", "återigen", "ännu en gång",
    "tredje gang", "stadig", "endnu en gang", "flere gange", "hvor mange gange", "igjen",
    "enda en gang", "flere ganger", "hvor mange ganger", "dritten mal", "zweiten mal",
    "x-ten mal", "wieder", "erneut", "nochmal", "noch einmal", "mehrmals", "seit wochen",
    "seit tagen", "wie oft", "derde keer", "weer", "alweer", "opnieuw", "nog steeds",
    "nogmaals", "hoe vaak", "al weken", "à nouveau", "de nouveau", "plusieurs fois",
    "combien de fois", "depuis des semaines", "deuxième fois", "toujours rien", "de nuevo",
    "segunda vez", "varias veces", "cuántas veces", "una y otra vez", "seconda volta",
    "più volte", "quante volte", "da settimane", "ennesima volta", "un'altra volta",
    "nuovamente", "outra vez", "novamente", "segunda vez", "várias vezes", "quantas vezes",
    "há semanas", "po raz trzeci", "ponownie", "znów", "nadal", "kolejny raz", "ile razy",
    "od tygodni", "kolmatta kertaa", "uudestaan", "uudelleen", "jälleen", "vieläkään",
    "monta kertaa",
)  # fmt: skip

# nobody answers, nobody helps: the customer feels left alone
_NEGLECT = (
    # en
    "nobody helps", "no one helps", "nobody is helping", "no one is helping", "nobody answers",
    "no one answers", "nobody replies", "no one replies", "nobody cares", "no one cares",
    "no answer", "no reply", "no response", "no help", "ignoring me", "ignored",
    # sv, da, nb
    "ingen hjälper", "ingen svarar", "inget svar", "ingen hjälp", "ingen bryr sig",
    "ignorerar", "ingen hjælper", "ingen svarer", "intet svar", "ingen hjælp", "ignorerer",
    "ingen hjelper", "ikke noe svar", "ingen hjelp", "ingen bryr seg",
    # de, nl
    "niemand hilft", "keiner hilft", "niemand antwortet", "keiner antwortet", "keine antwort",
    "keine hilfe", "niemand meldet sich", "keiner meldet sich", "ignoriert", "niemand helpt",
    "niemand antwoordt", "geen antwoord", "geen reactie", "geen hulp", "genegeerd",
    # fr, es, it, pt
    "personne ne m'aide", "personne ne répond", "personne ne me répond", "aucune réponse",
    "pas de réponse", "aucune aide", "nadie me ayuda", "nadie ayuda", "nadie responde",
    "nadie me responde", "nadie contesta", "sin respuesta", "ninguna respuesta",
    "nessuno mi aiuta", "nessuno aiuta", "nessuno risponde", "nessuno mi risponde",
    "nessuna risposta", "ninguém me ajuda", "ninguém ajuda", "ninguém responde",
    "ninguém me responde", "sem resposta", "nenhuma resposta",
    # pl, fi
    "nikt nie pomaga", "nikt mi nie pomaga", "nikt nie odpowiada", "nikt mi nie odpowiada",
    "brak odpowiedzi", "brak pomocy", "kukaan ei auta", "kukaan ei vastaa", "ei vastausta",
    "ei kukaan auta", "ei kukaan vastaa",
)  # fmt: skip

_ANGER_PATTERN = phrase_pattern(_ANGER)
_REPETITION_PATTERN = phrase_pattern(_REPETITION)
_NEGLECT_PATTERN = phrase_pattern(_NEGLECT)
_EXCLAMATIONS = re.compile(r"[!！]{2,}|[?？][!！]|[!！][?？]")
_ANGRY_EMOJI = re.compile("[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f47f\U0001f4a2]")


def frustration_score(text: str) -> float:
    """0 for a calm message, towards 1 for anger, insults, shouting and repeated complaints."""
    sample = unicodedata.normalize("NFC", text[:2000])
    folded = fold(sample)
    anger = len(_ANGER_PATTERN.findall(folded))
    repetition = len(_REPETITION_PATTERN.findall(folded))
    neglect = bool(_NEGLECT_PATTERN.search(folded))
    score = 0.35 * min(anger, 2) + 0.2 * min(repetition, 2) + 0.25 * neglect
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
