"""The app factory: the one place where relaydesk's object graph is built."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import anyio
import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy import Engine

from relaydesk import __version__
from relaydesk.api import channel_offers as channel_offer_routes
from relaydesk.api import (
    customer,
    customer_feedback,
    help_pages,
    home,
    privacy,
    stream,
    widget_pages,
)
from relaydesk.api import email_attachments as email_attachment_routes
from relaydesk.api import webhooks as webhook_admin
from relaydesk.api.agent_stream import routing_loop
from relaydesk.api.canned import include_canned
from relaydesk.api.channel_pages import include_channel_pages
from relaydesk.api.compute_threads import one_blas_thread
from relaydesk.api.console import include_agent_side
from relaydesk.api.dashboard import include_dashboard
from relaydesk.api.deps import Services
from relaydesk.api.errors import install_error_handlers
from relaydesk.api.memory import large_blocks_go_back
from relaydesk.api.metrics import ServiceMetrics, install_metrics
from relaydesk.api.team_pages import include_team_pages
from relaydesk.api.workers import turn_slots
from relaydesk.assistant.embeddings import e5_embedder
from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.knowledge import KnowledgeBase
from relaydesk.assistant.turn import AcknowledgingAssistant, Assistant
from relaydesk.bus.base import EventBus
from relaydesk.bus.memory import MemoryBus
from relaydesk.channels.wiring import background_workers, install_channel_hooks, running
from relaydesk.desk.agent_work import (
    AgentToolRunner,
    AgentWorkDesk,
    CustomerProfileSource,
    NoteWriter,
)
from relaydesk.desk.agents import AgentDesk
from relaydesk.desk.approvals import ApprovalDesk, ApprovedActionExecutor
from relaydesk.desk.console_desks import build_console_desks
from relaydesk.desk.conversations import ConversationDesk
from relaydesk.desk.feedback import FeedbackDesk
from relaydesk.desk.handoff import summarize
from relaydesk.desk.knowledge_files import KnowledgeFiles
from relaydesk.desk.opening_hours import team_hours
from relaydesk.desk.pack_actions import PackActions
from relaydesk.desk.reports import ReportDesk, SlaSeconds
from relaydesk.desk.routing import RoutingDesk
from relaydesk.desk.translations import ConsoleTranslation
from relaydesk.pack import AssistantSetup, Pack, load_pack
from relaydesk.pack.assembly import build_pack_assistant
from relaydesk.security.audit import AuditLog
from relaydesk.security.login_throttle import LoginThrottle
from relaydesk.security.middleware import install_request_guards
from relaydesk.security.privacy import PrivacyDesk
from relaydesk.security.secrets import require_real_secrets_off_loopback
from relaydesk.security.stored_attempts import StoredAttempts
from relaydesk.security.transcripts import conversation_store
from relaydesk.settings import Settings
from relaydesk.store.agents import AgentStore
from relaydesk.store.approvals import ApprovalStore
from relaydesk.store.conversations import ConversationStore
from relaydesk.store.engine import dispose_for_good, make_engine
from relaydesk.store.queue import QueueStore
from relaydesk.turn_slots import TurnSlots


async def threads_finished(timeout_s: float = 10.0) -> None:
    """Waits for work in the default thread pool, so no connection is returned to a pool
    after it was disposed (it would be dropped unclosed)."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    with anyio.move_on_after(timeout_s):
        while limiter.borrowed_tokens:
            await anyio.sleep(0.01)


def build_bus(settings: Settings) -> EventBus:
    if settings.redis_url:
        from relaydesk.bus.redis import RedisBus  # only when configured

        return RedisBus(settings.redis_url)
    return MemoryBus()


def build_assistant(settings: Settings, engine: Engine, pack: Pack) -> Assistant:
    """The configured assistant: the domain pack's, or a plain acknowledgement."""
    if settings.assistant == "acknowledge":
        return AcknowledgingAssistant()
    setup = AssistantSetup(
        engine,
        settings.base_url,
        settings.resolved_cache_dir,
        embedder=e5_embedder(settings.e5_engine),
        email_sending=settings.email_sending,
    )
    assistant = build_pack_assistant(pack, setup)
    assistant.parts.understander.remember(settings.remembered_texts)
    return assistant


def build_note_writer(
    settings: Settings, pack: Pack, assistant: Assistant
) -> NoteWriter | None:
    """The model's hand-off note for agents, when a model and its summary role are on."""
    if not settings.llm_base_url or not settings.llm_summary:
        return None
    from relaydesk.llm.setup import build_handoff_writer  # optional extra `llm`

    claims = assistant.parts.claim_patterns if assistant.parts is not None else ()
    company = pack.branding.company_name
    return build_handoff_writer(settings, summarize, company=company, claims=claims)


def build_translation(
    settings: Settings, pack: Pack, store: ConversationStore
) -> ConsoleTranslation | None:
    """Translation between customers and agents, when a model and its role are on."""
    if not settings.llm_base_url or not settings.llm_translation:
        return None
    from relaydesk.llm.setup import build_translator  # optional extra `llm`

    translator = build_translator(settings, company=pack.branding.company_name)
    if translator is None:
        return None
    return ConsoleTranslation(store, translator, settings.agent_language)


def with_language_model(
    settings: Settings,
    bus: EventBus,
    pack: Pack,
    assistant: Assistant,
    metrics: ServiceMetrics | None,
) -> Assistant:
    """The pack's assistant with the configured model roles (their counters on /metrics);
    the assistant as it is without a model server or a pack."""
    if assistant.parts is None or not settings.llm_base_url:
        return assistant
    from relaydesk.llm.setup import build_turn_roles, register_llm_metrics  # extra `llm`

    roles = build_turn_roles(settings, bus, company=pack.branding.company_name)
    if roles is None:
        return assistant
    if metrics is not None:
        register_llm_metrics(metrics.registry, roles)
    return PackAssistant(replace(assistant.parts, llm=roles))


def build_services(
    settings: Settings,
    assistant: Assistant | None = None,
    *,
    pack: Pack | None = None,
    approval_executor: ApprovedActionExecutor | None = None,
    customer_profiles: CustomerProfileSource | None = None,
    agent_tools: AgentToolRunner | None = None,
    metrics: ServiceMetrics | None = None,
) -> Services:
    """Wire store, bus, assistant and desks from settings and the chosen pack."""
    pack = pack or load_pack(settings.pack)
    engine = make_engine(
        settings.resolved_database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    store = conversation_store(engine, settings.transcript_pii)
    bus = build_bus(settings)
    assistant = with_language_model(
        settings, bus, pack, assistant or build_assistant(settings, engine, pack), metrics
    )
    install_channel_hooks(store, settings, assistant.parts)
    if assistant.parts is not None:
        # The pack's tools serve people too: approved actions, agents' calls, the profile.
        actions = PackActions(store, assistant.parts)
        approval_executor = approval_executor or actions
        customer_profiles = customer_profiles or actions
        agent_tools = agent_tools or actions
    agents, queue, approvals = AgentStore(engine), QueueStore(engine), ApprovalStore(engine)
    # Failed sign-ins and identity checks, counted in the database for every process.
    attempts = StoredAttempts(engine)
    routing = RoutingDesk(
        store, queue, agents, bus,
        email_replies=settings.email_sending, hours=team_hours(settings.business_hours),
    )
    approval_desk = ApprovalDesk(store, approvals, routing, bus, approval_executor)
    desk = ConversationDesk(
        store, bus, assistant, settings.max_message_chars, proposals=approval_desk,
        waiting=routing, attempts=attempts,
        observe_turn=metrics.turn_seconds.observe if metrics is not None else None,
        slots=TurnSlots(turn_slots(settings)),
    )
    work = AgentWorkDesk(
        store,
        routing,
        queue,
        approvals,
        bus,
        profiles=customer_profiles,
        tools=agent_tools,
        max_message_chars=settings.max_message_chars,
        note_writer=build_note_writer(settings, pack, assistant),
        translation=build_translation(settings, pack, store),
    )
    audit = AuditLog(engine)
    agent_desk = AgentDesk(
        agents, settings.secret_key, audit=audit, throttle=LoginThrottle(attempts)
    )
    console = build_console_desks(
        settings, engine, assistant.parts, work, approval_desk, agent_desk
    )
    reports = ReportDesk(
        engine,
        console.embedder.get,
        SlaSeconds(
            first_response=settings.sla_first_response_minutes * 60,
            resolution=settings.sla_resolution_minutes * 60,
        ),
        current_knowledge(pack.knowledge_dir, console.knowledge),
        routing.hours,
    )
    return Services(
        settings=settings,
        pack=pack,
        store=store,
        bus=bus,
        conversations=desk,
        agents=agent_desk,
        routing=routing,
        agent_work=work,
        approvals=approval_desk,
        console=console,
        feedback=FeedbackDesk(store, bus),
        reports=reports,
        privacy=PrivacyDesk(engine),
        audit=audit,
    )


def current_knowledge(
    folder: Path, loaded: KnowledgeBase | None
) -> Callable[[], KnowledgeBase | None]:
    """The assistant's articles as the files are now (None without a pack assistant)."""
    if loaded is None:
        return lambda: None
    return KnowledgeFiles(folder, loaded).current


def help_centre(assistant: Assistant, pack: Pack) -> KnowledgeBase:
    """The articles the assistant links to, served at /help so every link works."""
    if assistant.parts is not None:
        return assistant.parts.knowledge
    return KnowledgeBase.load(pack.knowledge_dir)


def create_app(
    settings: Settings, assistant: Assistant | None = None, pack: Pack | None = None
) -> FastAPI:
    """The app for `settings`; the pack is the one the settings name unless one is given."""
    require_real_secrets_off_loopback(settings)  # before anything is built or opened
    large_blocks_go_back()  # before the models load: their arrays are large blocks too
    metrics = ServiceMetrics()
    services = build_services(settings, assistant, pack=pack, metrics=metrics)
    one_blas_thread()  # after the models are built: a first start's training may use more

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        workers = background_workers(settings, services.store.engine, services.conversations)
        async with routing_loop(services.routing):
            with running(workers):
                yield
        services.bus.close()
        limiter.close()
        await threads_finished()  # a socket's last database call may still be in a thread
        dispose_for_good(services.store.engine)

    # The interactive docs load Swagger UI from a CDN: not in production.
    docs_on = settings.environment != "production"
    app = FastAPI(
        title="relaydesk",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if docs_on else None,
        redoc_url="/redoc" if docs_on else None,
    )
    app.state.services = services
    app.state.knowledge = help_centre(services.conversations.assistant, services.pack)
    app.state.help_centre_title = services.pack.branding.help_centre_title
    install_error_handlers(app)
    limiter = install_request_guards(app, settings)
    app.state.limiter = limiter
    app.include_router(customer.router)
    app.include_router(stream.router)
    app.include_router(customer_feedback.router)
    app.include_router(widget_pages.router)
    demo = services.pack.demo
    # Only the demo mounts it (RELAYDESK_DEMO_SHOP): it signs visitors in as demo customers.
    shop_mounted = settings.demo_shop and demo is not None and demo.render_shop is not None
    if shop_mounted:
        app.include_router(widget_pages.shop_router)
    include_agent_side(app)
    include_canned(app)
    include_team_pages(app)
    include_channel_pages(app)
    app.include_router(privacy.router)
    app.include_router(webhook_admin.router)
    app.include_router(channel_offer_routes.router)
    app.include_router(email_attachment_routes.router)
    include_dashboard(app)
    install_metrics(app, services, metrics)
    app.include_router(help_pages.router)
    landing = home.landing_page(shop_mounted=shop_mounted, docs_on=docs_on)
    app.include_router(home.home_router(landing))

    @app.get("/healthz", tags=["service"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
