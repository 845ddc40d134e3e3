"""When the assistant steps aside, and why: a configurable policy over understanding and memory."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from relaydesk.assistant.dialogue import DialogueState
from relaydesk.assistant.turn import Escalation
from relaydesk.assistant.understanding import Understanding
from relaydesk.assistant.understanding.phrases import fold, phrase_pattern

# Topics a phrase reveals whatever the intent: a customer who mentions dementia while asking
# about something else still needs a person. Checked in this order, before a pack's sensitive
# intents. The skill (None: any agent) is the pack's to name, as its agents' skills are.
SENSITIVE_PHRASE_DEFAULTS: dict[str, tuple[str, str | None]] = {
    "vulnerability": ("sensitive_vulnerability", None),
    "legal_threat": ("sensitive_legal", None),
}

_VULNERABILITY = (
    # en
    "dementia", "alzheimer", "alzheimer's", "mental health", "depression", "depressed",
    "suicidal", "suicide", "kill myself", "end my life", "can't cope", "cannot cope",
    "not coping", "in hospital", "in the hospital", "terminally ill", "cancer", "chemotherapy",
    "disability", "domestic abuse", "domestic violence", "abusive partner",
    "my carer", "power of attorney", "gambling addiction", "addiction", "vulnerable",
    # sv, da, nb
    "demens", "depression", "deprimerad", "psykisk ohälsa", "självmord", "ta livet av mig",
    "orkar inte längre", "på sjukhus", "sjukhuset", "cancer", "funktionsnedsättning",
    "våld i nära relation", "spelberoende", "missbruk", "god man", "deprimeret", "selvmord",
    "psykisk sygdom", "på hospitalet", "på sygehuset", "kræft", "handicap", "vold i hjemmet",
    "ludomani", "værge", "depresjon", "deprimert", "psykisk syk", "på sykehus", "kreft",
    "funksjonshemmet", "spilleavhengig", "orker ikke mer",
    # de, nl
    "demenz", "depressionen", "depressiv", "psychisch krank", "psychische probleme",
    "selbstmord", "suizid", "mich umbringen", "im krankenhaus", "krebs", "schwer krank",
    "behinderung", "häusliche gewalt", "spielsucht", "süchtig", "gesetzlicher betreuer",
    "gesetzliche betreuerin",
    "vorsorgevollmacht", "schaffe das nicht mehr", "dementie", "depressie", "depressief",
    "zelfmoord", "in het ziekenhuis", "kanker", "huiselijk geweld", "gokverslaving",
    "verslaving", "bewindvoerder", "ik kan het niet meer aan",
    # fr, es, it, pt
    "démence", "dépression", "déprimé", "déprimée", "me suicider", "à l'hôpital",
    "hospitalisé", "hospitalisée", "violences conjugales", "violence conjugale", "tutelle",
    "curatelle", "je n'en peux plus", "demencia", "depresión", "deprimido", "deprimida",
    "suicidio", "quitarme la vida", "en el hospital", "hospitalizado", "hospitalizada",
    "cáncer", "discapacidad", "violencia doméstica", "violencia de género", "ludopatía",
    "adicción", "no puedo más", "demenza", "depressione", "depresso", "depressa",
    "in ospedale", "ricoverato", "ricoverata", "cancro", "tumore", "disabilità", "disabile",
    "violenza domestica", "ludopatia", "amministratore di sostegno",
    "non ce la faccio più", "demência", "depressão", "suicídio", "no hospital", "internado",
    "internada", "câncer", "deficiência", "violência doméstica", "não aguento mais",
    # pl, fi
    "demencj*", "depresj*", "samobójstw*", "w szpitalu", "nowotwór",
    "niepełnospraw*", "przemoc domowa", "uzależnieni*", "nie daję rady",
    "muistisairau*", "masennu*", "masentun*", "itsemurh*", "sairaala*", "syöpä",
    "vammainen", "lähisuhdeväkivalta", "peliriippuvuu*", "edunvalvoja", "en jaksa enää",
)  # fmt: skip

_LEGAL_THREAT = (
    # en
    "lawyer", "solicitor", "attorney", "legal action", "take you to court", "see you in court",
    "sue you", "i will sue", "i'll sue", "going to sue", "small claims court", "ombudsman",
    "consumer protection",
    # sv, da, nb
    "advokat*", "jurist", "stämma er", "stämmer er", "rättsliga åtgärder", "tingsrätten",
    "anmäla er", "konsumentverket", "sagsøge", "retssag", "juridiske skridt",
    "forbrugerombudsmanden", "saksøke", "rettssak", "rettslige skritt", "forbrukerrådet",
    # de, nl
    "anwalt*", "anwältin", "rechtsanwalt*", "rechtliche schritte", "verklagen", "verklage",
    "vor gericht", "gerichtlich", "verbraucherzentrale", "anzeige erstatten", "advocaat",
    "juridische stappen", "naar de rechter", "rechtszaak", "aanklagen", "dagvaarden",
    # fr, es, it, pt
    "avocat", "avocate", "porter plainte", "poursuivre en justice", "action en justice",
    "au tribunal", "mise en demeure", "abogado", "abogada", "demandar", "demandaros",
    "acciones legales", "los tribunales", "denunciaros", "avvocato", "avvocata",
    "denunciare", "vie legali", "azioni legali", "in tribunale", "fare causa", "advogado",
    "advogada", "vou processar", "ação judicial", "medidas legais",
    # pl, fi
    "prawnik*", "adwokat*", "pozwać", "pozew", "do sądu", "kroki prawne",
    "rzecznik praw konsumenta", "asianajaja*", "lakimie*", "oikeuteen", "oikeustoimiin",
    "kuluttajaneuvonta",
)  # fmt: skip


SENSITIVE_PHRASES = {
    "vulnerability": phrase_pattern(_VULNERABILITY),
    "legal_threat": phrase_pattern(_LEGAL_THREAT),
}


def sensitive_topic(text: str, topics: Iterable[str] = SENSITIVE_PHRASES) -> str | None:
    """The first of these topics whose phrases this message contains, if any."""
    folded = fold(text[:2000])
    return next((topic for topic in topics if SENSITIVE_PHRASES[topic].search(folded)), None)


class EscalationPolicy(BaseModel):
    """Thresholds an operator tunes; every escalation names its reason."""

    frustration_high: float = Field(default=0.65, ge=0, le=1)
    frustration_rising: float = Field(default=0.35, ge=0, le=1)  # rise over the last 3 messages
    frustration_rising_floor: float = Field(default=0.5, ge=0, le=1)
    # Below a hand-over, frustration this high gets one short acknowledgement first.
    frustration_acknowledged: float = Field(default=0.3, ge=0, le=1)
    low_confidence: float = Field(default=0.5, ge=0, le=1)  # less likely than not: ask
    low_confidence_strikes: int = Field(default=2, ge=1)
    flow_failures: int = Field(default=2, ge=1)
    repeated_intent: int = Field(default=3, ge=2)  # the same request this often: a loop
    # intent -> (reason, skill): the pack's intents that always go to a person
    sensitive: dict[str, tuple[str, str | None]] = Field(default_factory=dict)
    # topic -> (reason, skill) for the phrase lists in SENSITIVE_PHRASES; drop one to ignore it
    sensitive_phrases: dict[str, tuple[str, str | None]] = Field(
        default_factory=lambda: dict(SENSITIVE_PHRASE_DEFAULTS)
    )

    def before_acting(
        self, understanding: Understanding, state: DialogueState
    ) -> Escalation | None:
        """Reasons to hand over before the assistant tries anything."""
        if understanding.wants_human:
            return Escalation(reason="asked_for_human", priority=2)
        if understanding.frustration >= self.frustration_high or self._rising(state):
            return Escalation(reason="frustration", priority=3)
        sensitive = self._sensitive(understanding)
        if sensitive is not None:
            return sensitive
        if self._looping(state):
            return Escalation(reason="loop", priority=1)
        return None

    def _sensitive(self, understanding: Understanding) -> Escalation | None:
        """A sensitive topic named by a phrase, else by the intent (skill for the routing)."""
        topics = [topic for topic in self.sensitive_phrases if topic in SENSITIVE_PHRASES]
        topic = sensitive_topic(understanding.text, topics)
        if topic is not None:
            reason, skill = self.sensitive_phrases[topic]
            return Escalation(reason=reason, priority=3, skill=skill)
        if understanding.intent in self.sensitive and not understanding.out_of_scope:
            reason, skill = self.sensitive[understanding.intent]
            return Escalation(reason=reason, priority=3, skill=skill)
        return None

    def is_low_confidence(self, understanding: Understanding) -> bool:
        return understanding.out_of_scope or understanding.confidence < self.low_confidence

    def after_low_confidence(self, state: DialogueState) -> Escalation | None:
        if state.low_confidence_streak >= self.low_confidence_strikes:
            return Escalation(reason="low_confidence", priority=1)
        return None

    def after_failure(
        self, state: DialogueState, flow: str, skill: str | None
    ) -> Escalation | None:
        if state.failures.get(flow, 0) >= self.flow_failures:
            return Escalation(reason="flow_failed", priority=1, skill=skill, detail=flow)
        return None

    def _rising(self, state: DialogueState) -> bool:
        recent = state.frustration[-3:]
        return (
            len(recent) >= 2
            and recent[-1] >= self.frustration_rising_floor
            and recent[-1] - recent[0] >= self.frustration_rising
        )

    def _looping(self, state: DialogueState) -> bool:
        recent = state.last_intents[-self.repeated_intent :]
        return (
            len(recent) == self.repeated_intent
            and len(set(recent)) == 1
            and recent[0] not in {"affirm", "deny", "greeting", "thanks"}
        )
