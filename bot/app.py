"""Application wiring: the one place that builds the PTB Application and touches the token."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from types import TracebackType
from typing import Any, Final

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
    Job,
)
from telegram.request import BaseRequest, HTTPXRequest

from handlers import build_gates, build_handlers
from handlers.admin import register_admin_commands
from handlers.context import BotData
from handlers.errors import on_error
from handlers.i18n import COMMANDS, GROUP_COMMANDS
from handlers.ordering import UserOrderedProcessor
from knowledge.models import LANGS

from .delivery import AckGate, RetryingLimiter, UpdateTracker, backoff
from .ratelimit import TelegramRateLimiter
from .services import close_services, open_services, settle
from .settings import ConfigError, Settings, file_url
from .store import is_url
from .webhook import WebhookServer, webhook_path

log = logging.getLogger("dostyq")

DostyqApp = Application[Any, Any, Any, Any, BotData, Any]

ALLOWED_UPDATES: Final = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
)
"""The update types the handlers read (tests/test_app.py checks it against build_handlers)."""
STARTUP_BACKOFF_MAX: Final = 60.0
"""Seconds between start-up attempts at most while the Bot API is unreachable."""
THROTTLE_MAX_RETRIES: Final = 1_000_000
"""The throttle retries a 429 this often: in effect, every time Telegram asks."""


class DostyqApplication(Application[Any, Any, Any, Any, BotData, Any]):
    """PTB's Application, less one leak: after every update PTB adds its chat id and user id to
    two sets that only a persistence run empties, and with no persistence (as here) nothing ever
    does. They held every chat and user the process had seen: about 200 bytes a user, and the
    most of the soak's growth with a new user for each update (benchmarks/RESULTS.md)."""

    __slots__ = ()

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Job[Any] | None = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


class DostyqBot(ExtBot[int]):
    """PTB's ExtBot, whose ``repr`` (and so the Application's) names the bot, not the token."""

    __slots__ = ()

    def __repr__(self) -> str:
        try:
            name = f"@{self.username}"
        except RuntimeError:  # not initialized yet (no getMe)
            name = "id " + self.token.split(":", 1)[0]
        return f"DostyqBot[{name}]"


class StartupError(Exception):
    """The bot cannot start; ``str()`` is one line for the operator (exit code 2)."""


def redact(text: str, secret: str) -> str:
    return text.replace(secret, "<token>") if secret else text


class RedactingFilter(logging.Filter):
    """Replaces the token wherever it would appear in a log line or its traceback."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            msg = record.getMessage()
            if self.secret in msg:
                record.msg, record.args = redact(msg, self.secret), None
            if record.exc_info and record.exc_info[1] is not None:
                text = logging.Formatter().formatException(record.exc_info)
                record.exc_info = None
                record.exc_text = None
                record.msg, record.args = (
                    f"{record.getMessage()}\n{redact(text, self.secret)}",
                    None,
                )
        return True


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # PTB logs a non-JSON answer (a proxy's HTML error page) with a traceback at ERROR; the
    # retry in bot.delivery logs it once as a warning.
    logging.getLogger("telegram.request.BaseRequest").setLevel(logging.CRITICAL)
    secret = settings.token.get_secret_value() if settings.token else ""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter(secret))
    _redact_uncaught(secret)


def _redact_uncaught(secret: str) -> None:
    """Tracebacks that escape every handler are printed without the token as well."""
    if not secret:
        return
    import traceback

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb)), secret))

    sys.excepthook = hook


def make_requests(settings: Settings, tracker: UpdateTracker) -> tuple[BaseRequest, BaseRequest]:
    """The Bot API request for calls, and the gated one for getUpdates."""
    request: BaseRequest
    updates: BaseRequest
    # getUpdates: two connections, not PTB's one. On stop PTB cancels the long poll and calls
    # getUpdates once more to confirm the last batch; with one connection that call sometimes
    # found it still held by the cancelled poll (httpx.PoolTimeout, the batch not confirmed).
    if settings.http_backend == "aiohttp":
        from .request import AiohttpRequest

        request = AiohttpRequest(connection_pool_size=settings.pool_size, pool_timeout=10.0)
        updates = AiohttpRequest(connection_pool_size=2)
    else:
        request = HTTPXRequest(connection_pool_size=settings.pool_size, pool_timeout=10.0)
        updates = HTTPXRequest(connection_pool_size=2)
    return request, AckGate(updates, tracker, low_water=2 * settings.concurrent_updates)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> DostyqApp:
    """The bot, wired: settings, services in post_init/post_shutdown, handlers, limits."""
    if settings.token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    if request is None:
        request, get_updates_request = make_requests(settings, UpdateTracker())
    # The processor reports handled updates to the getUpdates gate, if there is one.
    gate = get_updates_request if isinstance(get_updates_request, AckGate) else None
    tracker = gate.tracker if gate is not None else UpdateTracker()
    # Telegram's limits as sliding windows, per chat too; 429s waited out (bot/ratelimit.py).
    throttle = (
        TelegramRateLimiter(max_retries=THROTTLE_MAX_RETRIES) if settings.rate_limit else None
    )
    bot = DostyqBot(
        settings.token.get_secret_value(),
        base_url=settings.api_url,
        base_file_url=file_url(settings.api_url),
        request=request,
        get_updates_request=get_updates_request or request,
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        rate_limiter=RetryingLimiter(throttle),
    )
    builder = (
        ApplicationBuilder()
        .application_class(DostyqApplication)
        .bot(bot)
        .context_types(ContextTypes(bot_data=BotData))
        # One user's updates in order (a /forget after its questions), users concurrently;
        # each handled update is reported to the getUpdates gate.
        .concurrent_updates(
            UserOrderedProcessor(settings.concurrent_updates, on_done=tracker.on_done)
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app: DostyqApp = builder.build()
    app.bot_data.settings = settings
    app.add_handlers(build_handlers())
    app.add_handlers(build_gates(), group=-1)  # flood control, before any answer
    app.add_error_handler(on_error)
    return app


async def _post_init(app: DostyqApp) -> None:
    data = app.bot_data
    assert isinstance(data.settings, Settings)
    await open_services(data, data.settings)
    assert data.engine is not None
    log.info("fact base: %d facts; index ready", data.engine.n_facts)
    settle()  # start-up objects live as long as the process: out of full GC passes
    await register_commands(app)
    await register_admin_commands(app.bot, data.settings.admin_ids)  # their menus add /stats…


async def _post_shutdown(app: DostyqApp) -> None:
    await close_services(app.bot_data)


async def register_commands(app: DostyqApp) -> None:
    """setMyCommands per language and scope; a failure is logged and the bot goes on."""
    for lang in (None, *LANGS):
        cmds = COMMANDS[lang or "en"]
        private = [BotCommand(c, d) for c, d in cmds]
        group = [BotCommand(c, d) for c, d in cmds if c in GROUP_COMMANDS]
        for scope, commands in (
            (BotCommandScopeAllPrivateChats(), private),
            (BotCommandScopeAllGroupChats(), group),
        ):
            try:
                await app.bot.set_my_commands(commands, scope=scope, language_code=lang)
            except TelegramError as e:
                log.warning("setMyCommands (%s, %s) failed: %s", scope.type, lang or "default", e)


# -- running ---------------------------------------------------------------------------------


def run(settings: Settings, *, webhook: bool | None = None) -> int:
    """Run the bot: long polling, or a webhook with ``--webhook`` or ``DOSTYQ_WEBHOOK_URL``."""
    use_webhook = bool(settings.webhook_url) if webhook is None else webhook
    try:
        _check_run_settings(settings, use_webhook)
    except ConfigError as e:
        print(f"dostyq run: {e}", file=sys.stderr)
        return 2
    setup_logging(settings)
    try:
        asyncio.run(_serve(settings, use_webhook))
    except (StartupError, ConfigError) as e:
        secret = settings.token.get_secret_value() if settings.token else ""
        print(f"dostyq run: {redact(str(e), secret)}", file=sys.stderr)
        _exit_if_threads_linger(2)
        return 2
    log.info("stopped")
    return 0


def _exit_if_threads_linger(code: int) -> None:
    """Exit now if a failed start-up left a thread behind (a database connection opened by a
    service that failed before handing it over): Python would wait for it forever, and a
    service manager would see a hung process instead of a failure it can restart."""
    import os
    import threading

    lingering = [t for t in threading.enumerate() if not t.daemon and t.is_alive()]
    if len(lingering) > 1:  # the main thread is one
        log.error("start-up failed and left %d thread(s) open; exiting", len(lingering) - 1)
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _check_run_settings(settings: Settings, webhook: bool) -> None:
    if settings.token is None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather and set it,"
            " or try the engine without Telegram: `dostyq chat`."
        )
    file_url(settings.api_url)
    if webhook:
        if not settings.webhook_url:
            raise ConfigError("--webhook needs DOSTYQ_WEBHOOK_URL (the https URL Telegram calls)")
        if settings.webhook_secret is None:
            raise ConfigError(
                "DOSTYQ_WEBHOOK_SECRET must be set with a webhook"
                " (1-256 characters of A-Z, a-z, 0-9, _ and -)"
            )


async def _serve(settings: Settings, webhook: bool) -> None:
    """Start, serve until SIGINT/SIGTERM, stop; services are closed whatever happens."""
    request, updates_request = make_requests(settings, UpdateTracker())
    app = build_application(settings, request=request, get_updates_request=updates_request)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server: WebhookServer | None = None
    try:
        if not await _initialize(app, stop):
            return
        await app.post_init(app)  # type: ignore[misc]
        log.info("started as @%s (id %d)", app.bot.username, app.bot.id)
        await app.start()
        if webhook:
            server = await _start_webhook(app, settings, stop)
        else:
            assert app.updater is not None
            await app.updater.start_polling(
                allowed_updates=list(ALLOWED_UPDATES), bootstrap_retries=-1
            )
            log.info("polling for updates")
        await stop.wait()
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if server is not None:
            await server.stop()
        if app.running:
            await app.stop()
        await _post_shutdown(app)
        await app.shutdown()
        # app.shutdown skips the HTTP clients when start-up never completed.
        for r in (request, updates_request):
            await r.shutdown()


async def _initialize(app: DostyqApp, stop: asyncio.Event) -> bool:
    """getMe until it works; a rejected token is fatal, an unreachable API is retried."""
    attempt = 0
    while not stop.is_set():
        try:
            await app.initialize()
            return True
        except InvalidToken:
            raise StartupError(
                "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized):"
                " check it, or get a new one from @BotFather"
            ) from None
        except TelegramError as e:
            attempt += 1
            wait = min(STARTUP_BACKOFF_MAX, backoff(attempt))
            log.warning(
                "Bot API unreachable at start-up (%s: %s); retry %d in %.0f s",
                type(e).__name__,
                e,
                attempt,
                wait,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
    return False


async def _start_webhook(app: DostyqApp, settings: Settings, stop: asyncio.Event) -> WebhookServer:
    assert settings.webhook_url and settings.webhook_secret
    secret = settings.webhook_secret.get_secret_value()
    # Replicas share a PostgreSQL store: it decides which one answers a re-sent update.
    store = app.bot_data.store
    shared = getattr(store, "first_delivery", None) if is_url(settings.db) else None
    server = WebhookServer(
        app, secret=secret, path=webhook_path(settings.webhook_url), first_delivery=shared
    )
    await server.start(settings.webhook_listen, settings.webhook_port)
    attempt = 0
    while not stop.is_set():
        try:
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=min(100, settings.concurrent_updates),
            )
            log.info("webhook registered")
            break
        except InvalidToken:
            raise StartupError("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized)") from None
        except TelegramError as e:
            attempt += 1
            wait = min(STARTUP_BACKOFF_MAX, backoff(attempt))
            log.warning("setWebhook failed (%s); retry %d in %.0f s", e, attempt, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
    return server
