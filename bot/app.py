"""Application wiring: the one place that builds the PTB Application and touches the token."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from handlers import build_gates, build_handlers
from handlers.admin import register_admin_commands
from handlers.context import BotData
from handlers.errors import on_error
from handlers.i18n import COMMANDS, GROUP_COMMANDS
from handlers.ordering import UserOrderedProcessor
from knowledge.engine import Engine
from knowledge.models import LANGS

from .ratelimit import TelegramRateLimiter
from .request import AiohttpRequest
from .settings import Settings
from .store import Store, index_db

log = logging.getLogger("dostyq")

DostyqApp = Application[Any, Any, Any, Any, BotData, Any]


class RedactingFilter(logging.Filter):
    """Replaces the token wherever it would appear in a log line (defence in depth)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            msg = record.getMessage()
            if self.secret in msg:
                record.msg, record.args = msg.replace(self.secret, "<token>"), None
            if record.exc_info and record.exc_info[1] is not None:
                text = logging.Formatter().formatException(record.exc_info)
                if self.secret in text:
                    record.exc_info = None
                    record.msg = f"{record.msg}\n{text.replace(self.secret, '<token>')}"
        return True


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    secret = settings.token.get_secret_value() if settings.token else ""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter(secret))


def build_application(settings: Settings, *, request: BaseRequest | None = None) -> DostyqApp:
    """The bot, wired: settings, services in post_init/post_shutdown, handlers, limits."""
    if settings.token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.token.get_secret_value())
        .base_url(settings.api_url)
        .base_file_url(settings.api_url.replace("/bot", "/file/bot"))
        .context_types(ContextTypes(bot_data=BotData))
        # One user's updates in order (a /forget after its questions), users concurrently.
        .concurrent_updates(UserOrderedProcessor(settings.concurrent_updates))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    elif settings.http_backend == "httpx":
        # httpx checks every pooled connection on each request: a pool sized to the work in
        # flight is cheaper than PTB's default of 256.
        builder = builder.connection_pool_size(settings.pool_size).pool_timeout(10.0)
    else:
        # aiohttp: about half the bot's CPU in a burst went to httpx/httpcore (bot/request.py).
        # getUpdates gets its own one-connection instance, as PTB's builder does for httpx.
        builder = builder.request(
            AiohttpRequest(connection_pool_size=settings.pool_size, pool_timeout=10.0)
        ).get_updates_request(AiohttpRequest(connection_pool_size=1))
    if settings.rate_limit:
        # Telegram's limits as sliding windows, per chat too; 429s waited out (bot/ratelimit.py).
        builder = builder.rate_limiter(TelegramRateLimiter(max_retries=3))  # type: ignore[arg-type]
    app: DostyqApp = builder.build()
    app.bot_data.settings = settings
    app.add_handlers(build_handlers())
    app.add_handlers(build_gates(), group=-1)  # flood control, before any answer
    app.add_error_handler(on_error)
    return app


async def _post_init(app: DostyqApp) -> None:
    from .cli import load_base

    data = app.bot_data
    settings = data.settings
    assert isinstance(settings, Settings)
    data.base = load_base(settings)
    data.engine = await Engine.open(index_db(settings.db), data.base)
    key = settings.log_salt.get_secret_value() if settings.log_salt else None
    try:
        data.store = await Store.open(settings.db, log_days=settings.log_days, key=key)
    except BaseException:
        # aiosqlite's worker thread would keep the process alive: close what is open.
        await data.engine.close()
        data.engine = None
        raise
    log.info("fact base: %d facts; index ready", data.engine.n_facts)
    # Start-up objects live as long as the process: keep them out of full GC passes.
    gc.collect()
    gc.freeze()
    await register_commands(app)
    await register_admin_commands(app.bot, settings.admin_ids)  # their menus add /stats…


async def _post_shutdown(app: DostyqApp) -> None:
    data = app.bot_data
    if data.store is not None:
        await data.store.close()
    if data.engine is not None:
        await data.engine.close()


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


def run(settings: Settings) -> int:
    """Run the bot with long polling, or a webhook if ``DOSTYQ_WEBHOOK_URL`` is set."""
    if settings.token is None:
        print(
            "dostyq run: TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather and set it,"
            " or try the engine without Telegram: `dostyq chat`.",
            file=sys.stderr,
        )
        return 2
    setup_logging(settings)
    from .cli import load_base

    load_base(settings)  # a broken fact file stops here, with one clear line (see cli.main)
    app = build_application(settings)
    stop = (signal.SIGINT, signal.SIGTERM)
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        if not secret:
            print("dostyq run: DOSTYQ_WEBHOOK_SECRET must be set with a webhook.", file=sys.stderr)
            return 2
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            stop_signals=stop,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop)
    log.info("stopped")
    return 0
