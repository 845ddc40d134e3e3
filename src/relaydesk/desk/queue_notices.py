"""What a waiting customer is told, in their language (the widget's twelve, English otherwise).

Hand-over notices (a person joined, back with the assistant, closed) are owner changes whose
data the widget words itself; only these three are plain messages.
"""

from __future__ import annotations

_WAIT = {
    "en": "A person will join you shortly. Expected wait: about {minutes} min.",
    "da": "En medarbejder er snart hos dig. Forventet ventetid: ca. {minutes} min.",
    "de": "Gleich meldet sich eine Person bei Ihnen. Erwartete Wartezeit: etwa {minutes} Min.",
    "es": "Una persona le atenderá en breve. Espera estimada: unos {minutes} min.",
    "fi": "Asiakaspalvelija on pian kanssasi. Arvioitu odotus: noin {minutes} min.",
    "fr": "Une personne va vous répondre sous peu. Attente estimée : environ {minutes} min.",
    "it": "Una persona sarà presto da lei. Attesa stimata: circa {minutes} min.",
    "nb": "En medarbeider er snart hos deg. Forventet ventetid: ca. {minutes} min.",
    "nl": "Er komt zo iemand bij u. Verwachte wachttijd: ongeveer {minutes} min.",
    "pl": "Za chwilę dołączy do Ciebie konsultant. Szacowany czas oczekiwania: ok. {minutes} min.",
    "pt": "Uma pessoa vai atendê-lo em breve. Espera estimada: cerca de {minutes} min.",
    "sv": "En medarbetare är snart hos dig. Beräknad väntetid: cirka {minutes} min.",
}

_NOBODY_ONLINE = {
    "en": "Nobody who can help is online right now, but you keep your place in the queue "
    "(about {minutes} min). You can also leave your email address for a reply by email.",
    "da": "Ingen, der kan hjælpe, er online lige nu, men du beholder din plads i køen "
    "(ca. {minutes} min). Du kan også efterlade din e-mailadresse og få svar på e-mail.",
    "de": "Gerade ist niemand online, der helfen kann, aber Sie behalten Ihren Platz in der "
    "Warteschlange (etwa {minutes} Min.). Sie können auch Ihre E-Mail-Adresse hinterlassen.",
    "es": "Ahora mismo no hay nadie disponible que pueda ayudarle, pero conserva su lugar en "
    "la cola (unos {minutes} min). También puede dejar su correo para recibir respuesta.",
    "fi": "Kukaan auttamaan pystyvä ei ole nyt paikalla, mutta pidät paikkasi jonossa "
    "(noin {minutes} min). Voit myös jättää sähköpostiosoitteesi ja saada vastauksen sinne.",
    "fr": "Personne ne peut vous aider en ce moment, mais vous gardez votre place dans la file "
    "(environ {minutes} min). Vous pouvez aussi laisser votre e-mail pour une réponse.",
    "it": "Al momento nessuno che possa aiutarla è online, ma mantiene il suo posto in coda "
    "(circa {minutes} min). Può anche lasciare la sua email per una risposta.",
    "nb": "Ingen som kan hjelpe er pålogget akkurat nå, men du beholder plassen din i køen "
    "(ca. {minutes} min). Du kan også legge igjen e-postadressen din og få svar på e-post.",
    "nl": "Er is nu niemand online die kan helpen, maar u houdt uw plaats in de wachtrij "
    "(ongeveer {minutes} min). U kunt ook uw e-mailadres achterlaten voor een antwoord.",
    "pl": "Nikt, kto może pomóc, nie jest teraz dostępny, ale zachowujesz miejsce w kolejce "
    "(ok. {minutes} min). Możesz też zostawić adres e-mail, aby otrzymać odpowiedź.",
    "pt": "Neste momento ninguém que possa ajudar está online, mas mantém o seu lugar na fila "
    "(cerca de {minutes} min). Também pode deixar o seu e-mail para receber resposta.",
    "sv": "Ingen som kan hjälpa till är online just nu, men du behåller din plats i kön "
    "(cirka {minutes} min). Du kan också lämna din e-postadress och få svar via e-post.",
}

_FOLLOW_UP = {
    "en": "Thank you. If nobody reaches you here, we will answer by email at {email}.",
    "da": "Tak. Hvis ingen når at svare her, svarer vi på e-mail til {email}.",
    "de": "Danke. Falls Sie hier niemand erreicht, antworten wir per E-Mail an {email}.",
    "es": "Gracias. Si nadie le atiende aquí, le responderemos por correo a {email}.",
    "fi": "Kiitos. Jos kukaan ei ehdi vastata täällä, vastaamme sähköpostitse osoitteeseen "
    "{email}.",
    "fr": "Merci. Si personne ne vous répond ici, nous vous écrirons à {email}.",
    "it": "Grazie. Se nessuno la raggiunge qui, le risponderemo via email a {email}.",
    "nb": "Takk. Hvis ingen rekker å svare her, svarer vi på e-post til {email}.",
    "nl": "Dank u. Als niemand u hier bereikt, antwoorden we per e-mail aan {email}.",
    "pl": "Dziękujemy. Jeśli nikt nie odpowie tutaj, odpiszemy e-mailem na adres {email}.",
    "pt": "Obrigado. Se ninguém o atender aqui, responderemos por e-mail para {email}.",
    "sv": "Tack. Om ingen hinner svara här svarar vi via e-post till {email}.",
}


def _pick(catalog: dict[str, str], language: str | None) -> str:
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return catalog.get(base, catalog["en"])


def wait_notice(
    language: str | None, minutes: int, anyone_online: bool, email_replies: bool = True
) -> str:
    """The expected wait, and when nobody suitable is online, the email alternative (offered
    only when relaydesk can send email)."""
    text = _pick(_WAIT if anyone_online else _NOBODY_ONLINE, language).format(minutes=minutes)
    if anyone_online or email_replies:
        return text
    # Every catalog's first sentence ends with the wait in brackets: keep just that one.
    return text.partition("). ")[0] + ")."


def follow_up_notice(language: str | None, email: str) -> str:
    return _pick(_FOLLOW_UP, language).format(email=email)
