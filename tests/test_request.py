"""bot.request.AiohttpRequest keeps PTB's request contract (fake Bot API, small servers)."""

from __future__ import annotations

import asyncio
import socket
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.app import build_application
from bot.delivery import AckGate
from bot.request import POOL_TIMEOUT_MESSAGE, AiohttpRequest
from bot.settings import Settings
from tests.factories import USER_ID, make_message_update
from tests.fakebotapi import BOT_USER, DEFAULT_TOKEN, FakeBotAPI

TOKEN = DEFAULT_TOKEN


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake


@asynccontextmanager
async def make_bot(
    base_url: str, request: AiohttpRequest | None = None, **updates_kw: Any
) -> AsyncIterator[telegram.Bot]:
    """A real PTB Bot on AiohttpRequest, initialized (getMe) and shut down around the block."""
    bot = telegram.Bot(
        TOKEN,
        base_url=base_url,
        request=request or AiohttpRequest(connection_pool_size=4),
        get_updates_request=AiohttpRequest(connection_pool_size=1, **updates_kw),
    )
    async with bot:
        yield bot


@asynccontextmanager
async def serve(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> AsyncIterator[str]:
    """A one-handler aiohttp server on 127.0.0.1; yields its root URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def slow_api(delay: float) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A Bot API that answers getMe at once and every other method after ``delay`` seconds."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/getMe"):
            return web.json_response({"ok": True, "result": BOT_USER})
        await asyncio.sleep(delay)
        return web.json_response({"ok": True, "result": True})

    return handler


def assert_no_token(exc: BaseException) -> None:
    """Neither the message nor the printed traceback (causes included) shows the token."""
    assert TOKEN not in str(exc)
    assert TOKEN not in repr(exc)
    assert TOKEN not in "".join(traceback.format_exception(exc))
    assert TOKEN.split(":")[1] not in "".join(traceback.format_exception(exc))


@contextmanager
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full, so that a connect attempt hangs (SYNs are dropped)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            with suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            fillers.append(s)
        yield port
    finally:
        for s in fillers:
            s.close()
        listener.close()


# -- real Bot API calls through the fake server -------------------------------------------------


async def test_get_me_and_html_message_with_keyboard(server: FakeBotAPI) -> None:
    async with make_bot(server.base_url) as bot:
        me = await bot.get_me()
        assert me.id == BOT_USER["id"] and me.username == BOT_USER["username"]
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Жыл 2004", callback_data="year:2004")],
                [InlineKeyboardButton("Source", url="https://example.org/a?b=1&c=2")],
            ]
        )
        sent = await bot.send_message(
            USER_ID,
            '<b>Абай</b> &amp; <i>Конфуций</i> — <a href="https://example.org/?a=1&amp;b=2">'
            "link</a> + 100%",
            parse_mode="HTML",
            reply_markup=markup,
        )
    assert sent.text == "Абай & Конфуций — link + 100%"
    assert sent.reply_markup == markup
    assert [e.type for e in sent.entities] == ["bold", "italic", "text_link"]
    call = server.calls_to("sendMessage")[-1]
    assert call.content_type == "application/x-www-form-urlencoded"
    assert call.params["parse_mode"] == "HTML"
    server.assert_clean()


async def test_upload_is_multipart_with_utf8_file_name(server: FakeBotAPI, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"from a file handle")
    async with make_bot(server.base_url) as bot:
        await bot.send_document(
            USER_ID,
            b"hello, world",
            filename="заметка.txt",
            caption="<b>doc</b>",
            parse_mode="HTML",
        )
        with path.open("rb") as handle:
            await bot.send_document(USER_ID, handle)
    first, second = server.calls_to("sendDocument")
    assert first.content_type == "multipart/form-data"
    upload = first.files["document"]
    assert (upload.filename, upload.size) == ("заметка.txt", len(b"hello, world"))
    assert first.params["caption"] == "<b>doc</b>"
    assert second.files["document"].filename == "notes.txt"
    assert second.files["document"].size == len(b"from a file handle")
    server.assert_clean()


async def test_429_is_retry_after(server: FakeBotAPI) -> None:
    async with make_bot(server.base_url) as bot:
        server.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER_ID, "hi")
        assert caught.value.retry_after.total_seconds() == 3
        assert (await bot.send_message(USER_ID, "again")).text == "again"
    assert_no_token(caught.value)


async def test_500_is_network_error(server: FakeBotAPI) -> None:
    async with make_bot(server.base_url) as bot:
        server.fail_next("sendMessage", status=500)
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(USER_ID, "hi")
    assert "Internal Server Error" in str(caught.value)
    assert not isinstance(caught.value, TimedOut)
    assert_no_token(caught.value)


async def test_get_updates_long_poll_outlasts_the_read_timeout(server: FakeBotAPI) -> None:
    # Bot.get_updates adds its long-poll timeout to the request's read_timeout property.
    async with make_bot(server.base_url, read_timeout=0.3) as bot:
        t0 = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert time.monotonic() - t0 >= 0.9

        async def push_later() -> None:
            await asyncio.sleep(0.3)
            server.push_update(make_message_update("сәлем"))

        pusher = asyncio.create_task(push_later())
        t0 = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        await pusher
    assert time.monotonic() - t0 < 3
    assert [u.message.text for u in updates if u.message] == ["сәлем"]
    server.assert_clean()


# -- timeouts ------------------------------------------------------------------------------------


async def test_read_timeout_is_timed_out_and_instance_default_applies() -> None:
    async with serve(slow_api(2.0)) as root:
        request = AiohttpRequest(read_timeout=0.2)
        async with make_bot(f"{root}/bot", request) as bot:
            t0 = time.monotonic()
            with pytest.raises(TimedOut) as caught:
                await bot.send_chat_action(USER_ID, "typing")
            assert time.monotonic() - t0 < 1.5
    assert_no_token(caught.value)


async def test_explicit_timeouts_override_the_defaults() -> None:
    async with serve(slow_api(0.5)) as root, make_bot(f"{root}/bot") as bot:
        # read_timeout passed to the method wins over the instance's 5 s ...
        with pytest.raises(TimedOut):
            await bot.send_chat_action(USER_ID, "typing", read_timeout=0.1)
    async with serve(slow_api(0.5)) as root:
        request = AiohttpRequest(read_timeout=0.1)
        async with make_bot(f"{root}/bot", request) as bot:
            # ... and None means no limit, whatever the instance's default.
            assert await bot.send_chat_action(USER_ID, "typing", read_timeout=None)


async def test_connect_timeout_is_timed_out_without_the_url() -> None:
    with full_backlog() as port:
        request = AiohttpRequest(connect_timeout=0.3)
        bot = telegram.Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
        async with request:
            t0 = time.monotonic()
            with pytest.raises(TimedOut) as caught:
                await bot.get_me()
            assert time.monotonic() - t0 < 2
    assert_no_token(caught.value)


async def test_pool_timeout_has_ptbs_message() -> None:
    async with serve(slow_api(0.6)) as root:
        request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1)
        async with make_bot(f"{root}/bot", request) as bot:
            results = await asyncio.gather(
                bot.send_chat_action(USER_ID, "typing"),
                bot.send_chat_action(USER_ID, "typing"),
                return_exceptions=True,
            )
            assert results.count(True) == 1
            (error,) = [r for r in results if isinstance(r, BaseException)]
            assert isinstance(error, TimedOut) and error.message == POOL_TIMEOUT_MESSAGE
            # The slot is free again afterwards.
            assert await bot.send_chat_action(USER_ID, "typing")


# -- transport errors never show the token -------------------------------------------------------


async def test_refused_connection_is_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    request = AiohttpRequest()
    bot = telegram.Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    async with request:
        with pytest.raises(NetworkError) as caught:
            await bot.get_me()
    assert not isinstance(caught.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in str(caught.value)
    assert_no_token(caught.value)


async def test_error_messages_naming_the_url_are_redacted() -> None:
    # aiohttp puts the whole URL in InvalidURL's message; the token must not come through.
    request = AiohttpRequest()
    bot = telegram.Bot(TOKEN, base_url="http://127.0.0.1:99999/bot", request=request)
    async with request:
        with pytest.raises(NetworkError) as caught:
            await bot.get_me()
    assert "<redacted>" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert_no_token(caught.value)


async def test_server_dropping_the_connection_is_network_error() -> None:
    async def drop(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    async with serve(drop) as root:
        request = AiohttpRequest()
        bot = telegram.Bot(TOKEN, base_url=f"{root}/bot", request=request)
        async with request:
            with pytest.raises(NetworkError) as caught:
                await bot.get_me()
    assert "ServerDisconnectedError" in str(caught.value)
    assert_no_token(caught.value)


# -- lifecycle, proxies, wiring ------------------------------------------------------------------


async def test_lifecycle_mirrors_httpx_request(server: FakeBotAPI) -> None:
    url = f"{server.base_url}{TOKEN}/getMe"
    request = AiohttpRequest()
    assert isinstance(request, BaseRequest) and request.read_timeout == 5.0
    assert (await request.post(url, RequestData()))["id"] == BOT_USER["id"]  # lazily opened
    await request.shutdown()
    await request.shutdown()  # twice is fine
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)
    async with request:  # initialize() opens it again
        await request.initialize()  # idempotent
        assert (await request.post(url))["id"] == BOT_USER["id"]
        status, body = await request.do_request(url, "GET")
        assert status == 200 and b'"ok":' in body.replace(b" ", b"")


async def test_proxy_explicit_and_from_the_environment(
    server: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def forward(request: web.Request) -> web.StreamResponse:
        """A plain-HTTP forward proxy: the request line carries the absolute URL."""
        seen.append(str(request.url.path))
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                str(request.url),
                data=await request.read(),
                headers={"Content-Type": request.headers.get("Content-Type", "")},
            ) as upstream,
        ):
            body = await upstream.read()
        return web.Response(body=body, status=upstream.status, content_type="application/json")

    async with serve(forward) as proxy:
        async with make_bot(server.base_url, AiohttpRequest(proxy=proxy)) as bot:
            await bot.send_message(USER_ID, "via proxy")
        assert seen == [f"/bot{TOKEN}/getMe", f"/bot{TOKEN}/sendMessage"]

        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with make_bot(server.base_url, AiohttpRequest()) as bot:
            await bot.send_message(USER_ID, "via env proxy")
        assert len(seen) == 4
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        async with make_bot(server.base_url, AiohttpRequest()) as bot:
            await bot.send_message(USER_ID, "direct")
        async with make_bot(server.base_url, AiohttpRequest(trust_env=False)) as bot:
            monkeypatch.delenv("NO_PROXY")
            await bot.send_message(USER_ID, "direct")
        assert len(seen) == 4
    server.assert_clean()
    with pytest.raises(ValueError, match="SOCKS"):
        AiohttpRequest(proxy="socks5://127.0.0.1:1080")


@pytest.mark.parametrize(
    ("backend", "kind"), [("aiohttp", AiohttpRequest), ("httpx", HTTPXRequest)]
)
def test_build_application_picks_the_backend(
    backend: str, kind: type[BaseRequest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOSTYQ_HTTP_BACKEND", backend)
    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL="http://offline.invalid/bot",
        DOSTYQ_DB=str(tmp_path / "db.sqlite3"),
        pool_size=7,
    )
    assert settings.http_backend == backend
    app = build_application(settings)
    updates_request, request = app.bot._request
    # getUpdates goes through the gate that confirms only handled updates (bot.delivery).
    assert isinstance(updates_request, AckGate)
    assert type(request) is kind and type(updates_request.inner) is kind
    assert request is not updates_request.inner


def test_telegram_error_family() -> None:
    # What callers catch: TimedOut is a NetworkError, both are TelegramErrors.
    assert issubclass(TimedOut, NetworkError) and issubclass(NetworkError, TelegramError)


@pytest.mark.parametrize("kind", [AiohttpRequest, HTTPXRequest])
async def test_a_stalled_upload_times_out_and_frees_its_slot(kind: type[BaseRequest]) -> None:
    """A server that accepts the connection and never reads: the media write timeout ends it."""
    stalled: list[asyncio.StreamWriter] = []

    async def never_read(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stalled.append(writer)
        await asyncio.sleep(3600)

    server = await asyncio.start_server(never_read, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = kind(
        connection_pool_size=1, read_timeout=0.5, connect_timeout=0.5, media_write_timeout=0.5
    )  # type: ignore[call-arg]
    bot = telegram.Bot(
        DEFAULT_TOKEN,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=request,
        get_updates_request=kind(connection_pool_size=1),
    )
    await request.initialize()
    try:
        for _ in range(2):  # the second proves the slot was freed (pool of one)
            t0 = time.monotonic()
            with pytest.raises(TimedOut):
                await bot.send_document(USER_ID, document=b"x" * (64 * 1024 * 1024))
            assert time.monotonic() - t0 < 5
    finally:
        await request.shutdown()
        for w in stalled:
            w.close()
        server.close()
