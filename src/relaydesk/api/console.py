"""The agent console: server-rendered pages (Jinja2) and plain forms, live through a socket.

Every form post carries the session's CSRF token; the login form, before any session, a
signed double-submit token. Pages refuse framing and load scripts from this origin only.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from relaydesk.api import admin, agent, agent_stream, follow_up
from relaydesk.api.agent import SESSION_COOKIE, set_session_cookie
from relaydesk.api.deps import ServicesDep, address_of
from relaydesk.channels.email.attachments import AttachmentStore
from relaydesk.desk.agent_work import AgentWorkDesk
from relaydesk.desk.agents import AgentSession
from relaydesk.desk.translations import translations_by_seq
from relaydesk.domain.agents import AgentAccount, Disposition, Presence
from relaydesk.domain.errors import DomainError, InvalidInput, Unauthorized
from relaydesk.domain.model import Conversation, ConversationId

router = APIRouter(prefix="/console", include_in_schema=False)

TEMPLATES = Path(__file__).resolve().parent / "templates" / "console"
STATIC = Path(__file__).resolve().parent.parent / "web" / "console"
LOGIN_NONCE_COOKIE = "relaydesk_login_nonce"
LOGIN_FORM_MAX_AGE = 3600
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def include_agent_side(app: FastAPI) -> None:
    """Mount the agent, admin, follow-up and console routers and the console's static files."""
    app.include_router(agent.router)
    app.include_router(admin.router)
    app.include_router(agent_stream.router)
    app.include_router(follow_up.router)
    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["pretty"] = lambda value: json.dumps(value, indent=2, ensure_ascii=False)
    env.filters["duration"] = duration
    env.filters["sla"] = sla_left
    return env


def duration(seconds: float) -> str:
    """A wait as people say it: 45 s, 3 min 12 s, 2 h 05 min."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def sla_left(seconds: float) -> str:
    """Time left before the target breaks, or how late it is."""
    return f"{duration(seconds)} left" if seconds >= 0 else f"late by {duration(-seconds)}"


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def _login_serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.services.settings.secret_key
    return URLSafeTimedSerializer(secret, salt="relaydesk-console-login")


def page_session(request: Request, services: ServicesDep) -> AgentSession | None:
    """The signed-in agent for a page, or None (the page then redirects to the login)."""
    try:
        return services.agents.authenticate(request.cookies.get(SESSION_COOKIE))
    except Unauthorized:
        return None


def form_session(
    request: Request, services: ServicesDep, csrf_token: Annotated[str, Form()] = ""
) -> AgentSession:
    """The signed-in agent posting a form that carries their CSRF token."""
    session = services.agents.authenticate(request.cookies.get(SESSION_COOKIE))
    services.agents.require_csrf(session, csrf_token)
    return session


PageSession = Annotated[AgentSession | None, Depends(page_session)]
FormSession = Annotated[AgentSession, Depends(form_session)]


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def after(action: Callable[[], object], success: str, failure: str | None = None) -> Response:
    """Run a desk action and redirect (post/redirect/get), carrying a refusal as a notice."""
    try:
        action()
    except DomainError as error:
        return RedirectResponse(f"{failure or success}?notice={quote(error.message)}", 303)
    return RedirectResponse(success, status_code=303)


# --- login ---


def _login_form(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    """The sign-in form with a fresh double-submit token (a signed nonce, also in a cookie)."""
    nonce = secrets.token_urlsafe(16)
    token = _login_serializer(request).dumps(nonce)
    first_run = not request.app.state.services.agents.team_exists()
    response = render("login.html", status_code, csrf_token=token, error=error, first_run=first_run)
    response.set_cookie(
        LOGIN_NONCE_COOKIE,
        nonce,
        max_age=LOGIN_FORM_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.hostname not in agent.LOCAL_HOSTS,
        path="/console",
    )
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    return _login_form(request)


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        nonce = _login_serializer(request).loads(csrf_token, max_age=LOGIN_FORM_MAX_AGE)
    except BadSignature:
        return _login_form(request, "The sign-in form expired; please try again.", 400)
    cookie = request.cookies.get(LOGIN_NONCE_COOKIE, "")
    if not secrets.compare_digest(str(nonce).encode(), cookie.encode()):
        return _login_form(request, "The sign-in form expired; please try again.", 400)
    try:
        session = services.agents.login(email, password, address_of(request))
    except DomainError as error:
        return _login_form(request, error.message, 401)
    response = RedirectResponse("/console", status_code=303)
    set_session_cookie(request, response, session.token)
    response.delete_cookie(LOGIN_NONCE_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(session: FormSession, services: ServicesDep) -> Response:
    services.agents.logout(session)
    response = to_login()
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- the desk ---


def _follow_ups(services: ServicesDep, ids: list[ConversationId]) -> dict[str, str]:
    """Emails customers left for a reply by email, by conversation."""
    return services.routing.queue.follow_up_emails(ids)


def _home_context(session: AgentSession, services: ServicesDep) -> dict[str, Any]:
    me = session.agent
    worklist = services.console.worklist
    queue, mine = worklist.queue(me), worklist.mine(me)
    ids = [item.conversation_id for item in queue + mine]
    return {
        "session": session,
        "status": services.agents.status(me),
        "queue": queue,
        "mine": mine,
        "now": worklist.clock(),
        "targets": worklist.targets,
        "follow_ups": _follow_ups(services, ids),
        "approvals": services.approvals.pending_for(me),
        "team": services.agents.list_agents_as(me) if me.supervises else [],
    }


@router.get("")
def home(session: PageSession, services: ServicesDep, notice: str | None = None) -> Response:
    if session is None:
        return to_login()
    return render("home.html", notice=notice, **_home_context(session, services))


@router.get("/panel")
def panel(session: PageSession, services: ServicesDep) -> Response:
    """The queue, my conversations and approvals, refreshed in place every few seconds."""
    if session is None:
        return Response(status_code=401)
    return render("_panel.html", **_home_context(session, services))


@router.post("/presence")
def set_presence(
    session: FormSession, services: ServicesDep, status: Annotated[Presence, Form()]
) -> Response:
    return after(lambda: services.agents.set_presence(session.agent, status), "/console")


@router.get("/conversations/{conversation_id}")
def conversation_page(
    conversation_id: str, session: PageSession, services: ServicesDep, notice: str | None = None
) -> Response:
    if session is None:
        return to_login()
    try:
        view = services.agent_work.open(ConversationId(conversation_id), session.agent)
    except DomainError as error:
        return RedirectResponse(f"/console?notice={quote(error.message)}", status_code=303)
    return render(
        "conversation.html",
        session=session,
        view=view,
        notice=notice,
        dispositions=list(Disposition),
        last_seq=view.events[-1].seq if view.events else 0,
        follow_up_email=_follow_ups(services, [view.conversation.id]).get(view.conversation.id),
        profile_cards=services.console.profile_cards(view.profile),
        operations=services.console.operations.forms(),
        suggestions=services.console.suggestions.for_events(
            view.events, view.conversation.language
        ),
        result_card=services.console.result_card,
        translations=translations_by_seq(view.events),
        translate_to=_translate_to(services.agent_work, view.conversation, session.agent),
        attachments=AttachmentStore(services.store.engine).of_conversation(view.conversation.id),
    )


def _translate_to(
    work: AgentWorkDesk, conversation: Conversation, agent: AgentAccount
) -> str | None:
    translation = work.translation
    return translation.target_for(conversation, agent) if translation is not None else None


@router.post("/conversations/{conversation_id}/translate")
def translate_new(conversation_id: str, session: FormSession, services: ServicesDep) -> Response:
    """New customer messages translated for the agent; the translations arrive on the socket."""
    cid = ConversationId(conversation_id)
    added = services.agent_work.translate_new_messages(cid, session.agent)
    return JSONResponse({"translated": added})


def _here(conversation_id: str) -> str:
    return f"/console/conversations/{quote(conversation_id)}"


@router.post("/conversations/{conversation_id}/claim")
def claim(conversation_id: str, session: FormSession, services: ServicesDep) -> Response:
    cid = ConversationId(conversation_id)
    return after(lambda: services.routing.claim(cid, session.agent), _here(cid), "/console")


@router.post("/conversations/{conversation_id}/release")
def release(conversation_id: str, session: FormSession, services: ServicesDep) -> Response:
    cid = ConversationId(conversation_id)
    return after(lambda: services.routing.release(cid, session.agent), "/console", _here(cid))


@router.post("/conversations/{conversation_id}/reply")
def reply(
    conversation_id: str,
    session: FormSession,
    services: ServicesDep,
    text: Annotated[str, Form(max_length=20_000)],
    idempotency_key: Annotated[str | None, Form(max_length=180)] = None,
) -> Response:
    cid = ConversationId(conversation_id)
    work = services.agent_work
    return after(lambda: work.reply(cid, session.agent, text, idempotency_key), _here(cid))


@router.post("/conversations/{conversation_id}/note")
def note(
    conversation_id: str,
    session: FormSession,
    services: ServicesDep,
    text: Annotated[str, Form(max_length=20_000)],
) -> Response:
    cid = ConversationId(conversation_id)
    return after(lambda: services.agent_work.note(cid, session.agent, text), _here(cid))


@router.post("/conversations/{conversation_id}/hand-back")
def hand_back(
    conversation_id: str,
    session: FormSession,
    services: ServicesDep,
    note: Annotated[str | None, Form(max_length=20_000)] = None,
) -> Response:
    cid = ConversationId(conversation_id)
    work = services.agent_work
    return after(lambda: work.hand_back(cid, session.agent, note), "/console", _here(cid))


@router.post("/conversations/{conversation_id}/close")
def close(
    conversation_id: str,
    session: FormSession,
    services: ServicesDep,
    disposition: Annotated[Disposition, Form()],
    note: Annotated[str | None, Form(max_length=20_000)] = None,
) -> Response:
    cid = ConversationId(conversation_id)
    work = services.agent_work
    return after(lambda: work.close(cid, session.agent, disposition, note), "/console", _here(cid))


@router.post("/conversations/{conversation_id}/tool")
def run_tool(
    conversation_id: str,
    session: FormSession,
    services: ServicesDep,
    tool: Annotated[str, Form(max_length=100)],
    params: Annotated[str, Form(max_length=20_000)] = "{}",
) -> Response:
    cid = ConversationId(conversation_id)
    try:
        parsed = json.loads(params or "{}")
        if not isinstance(parsed, dict):
            raise InvalidInput("Tool parameters must be a JSON object.")
        outcome = services.agent_work.run_tool(cid, session.agent, tool, parsed)
    except (json.JSONDecodeError, DomainError) as error:
        message = error.message if isinstance(error, DomainError) else "Parameters: invalid JSON."
        return RedirectResponse(f"{_here(cid)}?notice={quote(message)}", status_code=303)
    said = f"{tool}: {outcome.get('status', '?')} {outcome.get('error') or ''}".strip()
    return RedirectResponse(f"{_here(cid)}?notice={quote(said)}", status_code=303)


OPERATION_FIELD = "p."
MAX_OPERATION_FIELDS = 50


@router.post("/conversations/{conversation_id}/operations/{tool}")
async def run_operation(
    conversation_id: str, tool: str, request: Request, services: ServicesDep
) -> Response:
    """An operation's generated form: its fields arrive as p.<parameter>."""
    form = await request.form(max_fields=MAX_OPERATION_FIELDS + 1, max_part_size=20_000)
    session = services.agents.authenticate(request.cookies.get(SESSION_COOKIE))
    services.agents.require_csrf(session, str(form.get("csrf_token") or ""))
    values = {
        key.removeprefix(OPERATION_FIELD): str(value)[:20_000]
        for key, value in form.items()
        if key.startswith(OPERATION_FIELD) and isinstance(value, str)
    }
    cid = ConversationId(conversation_id)
    desk = services.console.operations
    try:
        result = await run_in_threadpool(desk.run, cid, session.agent, tool, values)
    except DomainError as error:
        return RedirectResponse(f"{_here(cid)}?notice={quote(error.message)}", status_code=303)
    return RedirectResponse(f"{_here(cid)}?notice={quote(result.message)}", status_code=303)


@router.post("/approvals/{approval_id}/{decision}")
def decide(
    approval_id: str,
    decision: str,
    session: FormSession,
    services: ServicesDep,
    back: Annotated[str, Form(max_length=300, pattern=r"^/console(/[\w/-]*)?$")] = "/console",
    reason: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    desk = services.approvals
    if decision == "approve":
        return after(lambda: desk.approve(approval_id, session.agent, reason), back)
    if decision == "reject":
        return after(lambda: desk.reject(approval_id, session.agent, reason or ""), back)
    return RedirectResponse("/console?notice=Unknown+decision.", status_code=303)
