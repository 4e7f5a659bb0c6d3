"""A python-telegram-bot request backend on aiohttp (PTB's default is httpx).

Why: in a burst, httpx/httpcore spent about half of the bot's CPU, most of it in the connection
pool, which asks the socket of every pooled connection whether it has expired on every request.
aiohttp's pool keeps closed connections out by itself (the protocol's ``connection_lost``), and
its HTTP parser and writer are in C.

It mirrors :class:`telegram.request.HTTPXRequest`:

* the same constructor defaults (pool of 256, 5 s read/write/connect timeouts, 1 s pool timeout,
  20 s write timeout for uploads) and the same :data:`~BaseRequest.DEFAULT_NONE` rules: a timeout
  not passed to :meth:`do_request` is the instance's; ``None`` means no limit;
* parameters sent the same way: an ``application/x-www-form-urlencoded`` body of
  ``request_data.json_parameters``, or ``multipart/form-data`` with the files of
  ``request_data.multipart_data`` when ``request_data.contains_files``; redirects not followed;
* :class:`~telegram.error.TimedOut` for timeouts (with PTB's message for a pool timeout),
  :class:`~telegram.error.NetworkError` for other transport errors. Unlike aiohttp's own
  messages, these never contain the request URL, which carries the bot token.
* proxies: ``proxy="http://[user:password@]host:port"`` (HTTP and HTTPS proxies), or, as httpx
  does, ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` from the environment (read
  once, when the instance is made). SOCKS proxies need the ``aiohttp-socks`` package and are not
  supported here: use the httpx backend for them.

Differences, by design or because aiohttp has no equivalent:

* **the write timeout bounds sending and the answer's headers together** (write + read + connect
  seconds; the media write timeout for uploads): aiohttp has no per-write timeout. The read
  timeout alone starts once the request is fully sent, as in httpx.
* HTTP/1.1 only (no ``http_version``), no ``socket_options``.
* no cookie jar: the Bot API sets no cookies, and filtering them costs time on every request.
"""

from __future__ import annotations

import asyncio
import io
import logging
import urllib.request
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

POOL_TIMEOUT_MESSAGE: Final = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent "
    "to Telegram. Consider adjusting the connection pool size or the pool timeout."
)
_FORM: Final = {"Content-Type": "application/x-www-form-urlencoded"}
_PROXY_SCHEMES: Final = ("http", "https")


class AiohttpRequest(BaseRequest):
    """:class:`~telegram.request.BaseRequest` on one :class:`aiohttp.ClientSession`.

    Args:
        connection_pool_size: connections to the Bot API at most (aiohttp's
            ``TCPConnector(limit=...)``); more requests than that wait up to ``pool_timeout``.
        read_timeout: seconds to wait for (each part of) the response; ``None``: no limit.
        write_timeout: seconds to send the request (enforced with the read and connect timeouts
            as one deadline, see the module docstring); ``None``: no limit.
        connect_timeout: seconds to open a connection (DNS, TCP and TLS); ``None``: no limit.
        pool_timeout: seconds to wait for a free connection when all are busy; ``None``: wait.
        proxy: an ``http://`` or ``https://`` proxy URL; ``None``: the environment's, if any.
        media_write_timeout: like ``write_timeout``, for uploads.
        trust_env: read the proxy from ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY`` when
            ``proxy`` is not given (as httpx does by default).
    """

    __slots__ = (
        "_connect_timeout",
        "_env_proxies",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxy",
        "_proxy_for",
        "_read_timeout",
        "_session",
        "_shut_down",
        "_slots",
        "_timeouts",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        proxy: str | None = None,
        media_write_timeout: float | None = 20.0,
        trust_env: bool = True,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        if proxy is not None and urlsplit(proxy).scheme.lower() not in _PROXY_SCHEMES:
            raise ValueError(
                "AiohttpRequest supports http:// and https:// proxies only; for SOCKS use the "
                "httpx backend (DOSTYQ_HTTP_BACKEND=httpx, python-telegram-bot[socks])"
            )
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._env_proxies = _environment_proxies() if proxy is None and trust_env else {}
        self._proxy_for: dict[tuple[str, str], str | None] = {}
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._shut_down = False

    @property
    def read_timeout(self) -> float | None:
        """See :attr:`BaseRequest.read_timeout`: the default read timeout, in seconds.

        ``Bot.get_updates`` adds its long-poll ``timeout`` to this, so a long poll is not cut
        short by the read timeout.
        """
        return self._read_timeout

    async def initialize(self) -> None:
        """See :meth:`BaseRequest.initialize`: open the session (again, after a shutdown)."""
        if self._session is not None and not self._session.closed:
            return
        connector = aiohttp.TCPConnector(limit=self._pool_size)
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None),
        )
        self._slots = asyncio.Semaphore(self._pool_size)
        self._shut_down = False

    async def shutdown(self) -> None:
        """See :meth:`BaseRequest.shutdown`: close the session and its connections."""
        session, self._session = self._session, None
        self._shut_down = True
        if session is None or session.closed:
            log.debug("This AiohttpRequest is already shut down. Returning.")
            return
        await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See :meth:`BaseRequest.do_request`."""
        if self._session is None or self._session.closed:
            if self._shut_down:
                raise RuntimeError("This AiohttpRequest is not initialized!")
            # Like HTTPXRequest, usable before initialize() (but not after shutdown()).
            await self.initialize()
        session, slots = self._session, self._slots
        assert session is not None and slots is not None

        # Timeouts not passed (DEFAULT_NONE) are this instance's; None is no limit. The write
        # timeout bounds sending and the headers together, below.
        if read_timeout is BaseRequest.DEFAULT_NONE:
            read_timeout = self._read_timeout
        if connect_timeout is BaseRequest.DEFAULT_NONE:
            connect_timeout = self._connect_timeout
        if pool_timeout is BaseRequest.DEFAULT_NONE:
            pool_timeout = self._pool_timeout
        if write_timeout is BaseRequest.DEFAULT_NONE:
            uploads = request_data is not None and request_data.contains_files
            write_timeout = self._media_write_timeout if uploads else self._write_timeout
        timeout = self._timeouts.get((connect_timeout, read_timeout))
        if timeout is None:
            timeout = aiohttp.ClientTimeout(
                total=None,
                connect=connect_timeout,
                sock_connect=connect_timeout,
                sock_read=read_timeout,
            )
            if len(self._timeouts) < 64:
                self._timeouts[(connect_timeout, read_timeout)] = timeout

        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if request_data.contains_files:
                data = _multipart(request_data)
            else:
                params = request_data.json_parameters
                if params:
                    data = request_data.url_encoded_parameters().encode("ascii")
                    headers = _FORM

        proxy = self._proxy
        if proxy is None and self._env_proxies:
            proxy = self._env_proxy(url)

        # The pool: a semaphore of the connector's size, so that waiting for a connection has
        # its own timeout (aiohttp counts it in the connect timeout) and PTB's message.
        if slots.locked():
            try:
                async with asyncio.timeout(pool_timeout):
                    await slots.acquire()
            except TimeoutError as err:
                raise TimedOut(POOL_TIMEOUT_MESSAGE) from err
        else:
            await slots.acquire()
        # The write timeout: aiohttp has none per write, so sending the request and waiting for
        # the answer's headers together get write + read (+ connect) seconds. A stalled upload
        # then frees its pool slot in bounded time, as with httpx's write timeout.
        send_limit = _send_limit(connect_timeout, write_timeout, read_timeout)
        try:
            try:
                async with asyncio.timeout(send_limit):
                    response = await session.request(
                        method,
                        url,
                        data=data,
                        headers=headers,
                        timeout=timeout,
                        proxy=proxy,
                        allow_redirects=False,
                    )
            except TimeoutError as err:
                if isinstance(err, aiohttp.ServerTimeoutError):
                    raise
                raise TimedOut("Timed out: sending the request to the Bot API") from None
            try:
                return response.status, await response.read()
            finally:
                response.release()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut("Timed out: connecting to the Bot API") from _safe(err, url)
        except TimeoutError as err:  # aiohttp.SocketTimeoutError and any other
            raise TimedOut("Timed out: waiting for the Bot API's response") from _safe(err, url)
        except aiohttp.ClientError as err:
            text = _redact(str(err), url)
            message = f"aiohttp.{type(err).__name__}: {text}" if text else type(err).__name__
            raise NetworkError(message) from _safe(err, url)
        finally:
            slots.release()

    def _env_proxy(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxy_for:
            proxies = self._env_proxies
            proxy = proxies.get(key[0]) or proxies.get("all")
            if proxy and _no_proxy(key[1], proxies.get("no", "")):
                proxy = None
            if proxy and urlsplit(proxy).scheme.lower() not in _PROXY_SCHEMES:
                log.warning("ignoring the environment's proxy for %s: not http(s)", key[1])
                proxy = None
            self._proxy_for[key] = proxy
        return self._proxy_for[key]


def _send_limit(*timeouts: float | None) -> float | None:
    """Seconds for sending a request and receiving its headers; None if any part is unlimited."""
    if any(t is None for t in timeouts):
        return None
    return sum(t for t in timeouts if t is not None)


def _environment_proxies() -> dict[str, str]:
    """``{scheme: proxy URL}`` plus ``"no"`` from the environment (empty if none is set)."""
    proxies = urllib.request.getproxies_environment()
    if not any(proxies.get(scheme) for scheme in ("http", "https", "all")):
        return {}
    return proxies


def _no_proxy(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` (``*``, or a list of hosts and domains) exempts ``host``."""
    for entry in no_proxy.replace(" ", "").lower().split(","):
        if entry.startswith("["):  # [IPv6]:port
            name = entry[1:].split("]", 1)[0]
        else:
            name = entry.split(":", 1)[0].lstrip(".")
        if entry == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """The parameters and files as ``multipart/form-data``, as httpx encodes ``files=``."""
    # quote_fields=False: file names go as UTF-8 (as httpx sends them), not percent-encoded.
    form = aiohttp.FormData(quote_fields=False)  # a file part (with a filename) makes it multipart
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        # A BytesIO is streamed in chunks; raw bytes over 1 MiB make aiohttp warn (and write
        # the whole body in one go).
        body = io.BytesIO(content) if isinstance(content, bytes) else content
        form.add_field(name, body, filename=filename or name, content_type=mimetype)
    return form


def _secrets(url: str) -> list[str]:
    """The parts of ``url`` that must not leak: the URL, its path, the token-bearing segments."""
    path = urlsplit(url).path
    found = {url, path, unquote(path)}
    for segment in path.split("/"):
        if len(segment) >= 16:  # a bot token is ~45 characters; method names are shorter
            found.update((segment, unquote(segment)))
            if segment.startswith("bot"):
                found.add(segment[3:])
    # Longest first, so the URL is replaced whole rather than piecemeal.
    return sorted((s for s in found if s), key=len, reverse=True)


def _redact(text: str, url: str) -> str:
    for secret in _secrets(url):
        text = text.replace(secret, "<redacted>")
    return text


def _safe(err: BaseException, url: str) -> BaseException | None:
    """``err`` if no exception in its chain mentions the URL, else ``None`` (do not chain)."""
    secrets = _secrets(url)
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts = (str(current), repr(current))
        if any(secret in text for secret in secrets for text in texts):
            return None
        current = current.__cause__ or current.__context__
    return err
