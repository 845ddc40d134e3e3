# ruff: noqa: RUF001  (the word lists are in many scripts on purpose)
"""A lexical detector for "let me talk to a person", in every supported language.

The classifier may miss an unusual phrasing; this list is the floor that makes sure a customer
can always reach a human. Strong terms suffice alone ("human", "Mensch", "人工"); weak terms
that are also everyday words ("person", "사람", "tao") count only next to a talk word.
"""

from __future__ import annotations

from relaydesk.assistant.understanding.phrases import fold, phrase_pattern

_STRONG = (
    # en
    "human*", "real person", "actual person", "live person", "living person", "live agent",
    "real agent", "agent*", "representative*", "operator*", "customer service", "customer support",
    "a person", "somebody real", "someone real", "not a bot", "no bot", "not a robot",
    "speak to someone", "talk to someone", "speak with someone", "talk with someone",
    "support staff", "staff member", "supervisor*", "manager*", "advisor*", "adviser*",
    # sv, da, no, is
    "människa*", "riktig person", "handläggare*", "kundtjänst*", "kundservice", "medarbetare*",
    "operatör*", "menneske*", "rigtig person", "medarbejder*", "kundeservice", "ekte person",
    "saksbehandler*", "rådgiver*", "rådgivare*", "manneskj*", "starfsm*", "þjónustufulltrú*",
    "alvöru manneskj",
    # de, nl
    "mensch*", "mitarbeiter*", "berater*", "sachbearbeiter*", "kundendienst", "kundenservice",
    "echte person", "echten person", "echter person", "medewerker*", "klantenservice",
    "echt persoon", "echte persoon", "een mens",
    # fr, es, ca, it, pt
    "humain*", "conseill*", "vraie personne", "une personne", "opérateur", "service client",
    "interlocuteur", "humano*", "una persona", "agente*", "asesor*", "operador*", "representante",
    "persona real", "alguien real", "humà*", "persona de veritat", "umano*", "operatore*",
    "persona reale", "persona vera", "consulente*", "addetto", "atendente*", "pessoa real",
    "uma pessoa", "alguém real", "assistente humano",
    # fi, et, hu, pl, cs, sk, sl, hr, sr, ro, lt, lv
    "ihmi*", "asiakaspalvel*", "oikea henkilö", "oikean henkilön", "inimese*", "inimene",
    "klienditeenindaja*", "teenindaja*", "ember*", "ügyintéző*", "munkatárs*", "élő személy",
    "człowiek*", "konsultant*", "prawdziwą osobą", "prawdziwa osoba", "żywą osobą", "pracownik*",
    "člověk*", "operátor*", "živou osobou", "skutečnou osobou", "človek*", "človekom", "svetoval*",
    "čovjek*", "čovek*", "operater*", "djelatnik*", "službenik*", "stvarnom osobom",
    "pravom osobom",
    "persoană reală", "un om", "cu un om", "operatorul", "consultant", "žmog*", "operatori*",
    "konsultant*", "cilvēk*", "operator*", "darbiniek*",
    # el, ru, uk, bg, sr-Cyrl
    "άνθρωπ*", "εκπρόσωπ*", "υπάλληλ*", "χειριστ*", "πραγματικό πρόσωπο", "человек*", "оператор*",
    "живым", "живой", "сотрудник*", "консультант*", "менеджер*", "людин*", "живою", "співробітник*",
    "служител*", "човек*", "живи човек",
    # tr, ar, he, fa, ur, hi, bn
    "insan*", "temsilci*", "müşteri hizmetleri", "yetkili*", "operatör*", "gerçek bir kişi",
    "canlı destek", "إنسان", "انسان", "موظف", "شخص حقيقي", "خدمة العملاء", "ممثل", "بشري",
    "نציג", "בן אדם", "אדם אמיתי", "אנושי", "اپراتور", "کارشناس", "پشتیبان", "شخص واقعی",
    "نمائندہ", "ایجنٹ", "کسٹمر سروس", "اصلی شخص", "इंसान", "इन्सान", "एजेंट", "प्रतिनिधि",
    "ग्राहक सेवा", "असली व्यक्ति", "मानव", "মানুষ", "এজেন্ট", "প্রতিনিধি", "গ্রাহক সেবা",
    "কর্মকর্তা",
    # th, vi, id, ms, tl, sw
    "พนักงาน", "เจ้าหน้าที่", "คนจริง", "มนุษย์", "nhân viên", "người thật", "tư vấn viên",
    "tổng đài viên", "con người", "manusia*", "petugas*", "orang sungguhan", "orang asli",
    "ejen*", "kakitangan*", "pegawai*", "khidmat pelanggan", "totoong tao", "ahente*",
    "tunay na tao",
    "binadamu*", "wakala*", "mhudumu*", "mtu halisi", "mfanyakazi*",
    # zh, ja, ko
    "人工", "真人", "客服", "人类", "人類", "工作人员", "工作人員", "专员", "專員", "人間",
    "オペレーター", "担当者", "スタッフ", "有人", "人と話", "상담원", "상담사", "직원", "담당자",
    "인간", "사람이랑", "사람과", "사람하고",
)  # fmt: skip

_WEAK = (
    "person", "someone", "somebody", "people", "persona", "pessoa", "personne", "persons",
    "osob*", "oseb*", "особ*", "kişi*", "henkilö*", "شخص", "آدم", "व्यक्ति", "किसी", "কারো", "কাউকে",
    "คน", "người", "orang", "seseorang", "tao", "mtu", "mtu fulani", "사람", "人", "någon",
    "nogen", "noen", "jemand", "iemand", "quelqu", "alguien", "qualcuno", "alguém", "algú",
    "joku", "jonkun", "valaki", "ktoś", "kimś", "někým", "niekým", "nekim", "nekom", "cineva",
    "kažkuo", "kādu", "kellegagi", "κάποιον", "кем-то", "кимось", "някого", "birisi", "biriyle",
    "أحد", "מישהו", "کسی", "einhvern", "someone else",
)  # fmt: skip

_TALK = (
    "talk", "speak", "chat", "connect", "transfer", "call", "contact", "put me through",
    "prata", "tala", "snakke", "tale", "sprechen", "reden", "verbinden", "praten", "spreken",
    "parler", "hablar", "parlar", "parlare", "falar", "conversar", "puhu", "rääki", "beszél",
    "rozmaw", "porozmaw", "mluvit", "hovoriť", "govori", "razgovar", "vorbi", "kalbė", "runāt",
    "μιλήσω", "μιλήσ", "поговор", "говор", "розмов", "говори", "konuş", "تحدث", "أتكلم",
    "أتحدث", "לדבר", "صحبت", "بات", "बात", "কথা", "คุย", "พูด", "nói chuyện", "gặp",
    "bicara", "berbicara", "cakap", "bercakap", "makipag-usap", "kausap", "kuzungumza",
    "ongea", "说话", "說話", "对话", "聊", "話し", "話を", "話せ", "이야기", "얘기", "통화",
    "연결", "대화",
)  # fmt: skip

_STRONG_PATTERN = phrase_pattern(_STRONG)
_WEAK_PATTERN = phrase_pattern(_WEAK)
_TALK_PATTERN = phrase_pattern(_TALK, prefixes=True)


def asks_for_human(text: str) -> bool:
    """True when the words of the message ask for a person rather than the assistant."""
    folded = fold(text[:2000])
    if _STRONG_PATTERN.search(folded):
        return True
    return bool(_WEAK_PATTERN.search(folded) and _TALK_PATTERN.search(folded))
