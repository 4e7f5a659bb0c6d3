"""A fake Telegram Bot API server on 127.0.0.1 that validates every call against the spec.

Usage in a test::

    async with FakeBotAPI() as server:
        bot = telegram.Bot(server.token, base_url=server.base_url)
        server.push_update(make_command_update("/start"))
        call = await server.wait_for("sendMessage")
        server.assert_clean()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .limits import FloodLimits
from .spec import UploadedFile, decode_params
from .state import ApiError, TelegramState
from .validate import Validator, default_validator

DEFAULT_TOKEN = "7000001:AAFakeTokenForOfflineTestsOnly-dostyq"
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class Call:
    """One request the bot made: decoded params, when it arrived, and what it was answered."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic() when the request arrived
    response: dict[str, Any]
    status: int = 200
    files: dict[str, UploadedFile] = field(default_factory=dict)
    http_method: str = "POST"
    content_type: str = ""
    consumed: bool = field(default=False, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the call was answered with ``"ok": true``."""
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call (None otherwise)."""
        return self.response.get("result")


@dataclass(frozen=True)
class Violation:
    """A call Telegram would have refused: method, offending field path, and why."""

    method: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f".{self.field}" if self.field else ""
        return f"{self.method}{where}: {self.reason}"


@dataclass(frozen=True)
class Fault:
    """An injected failure for the next call(s) of a method."""

    status: int
    retry_after: int
    description: str | None
    raw: str | None = None  # a non-JSON body (an HTML error page from a proxy), sent as is


def error_body(status: int, description: str, **parameters: Any) -> dict[str, Any]:
    """A Telegram-style error response."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def _fault_body(fault: Fault) -> dict[str, Any]:
    if fault.status == 429:
        description = fault.description or f"Too Many Requests: retry after {fault.retry_after}"
        return error_body(429, description, retry_after=fault.retry_after)
    if fault.description:
        return error_body(fault.status, fault.description)
    phrase = HTTPStatus(fault.status).phrase
    return error_body(fault.status, f"{phrase}: injected" if fault.status < 500 else phrase)


class FakeBotAPI:
    """The fake server. Start it with ``await server.start()`` or ``async with server``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        validator: Validator | None = None,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        self.token = token
        #: Telegram's flood limits, enforced with 429s when given (off by default).
        self.flood_limits = flood_limits
        self.host = host
        self.port = port
        self.validator = validator or default_validator()
        self.state = TelegramState()
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self._faults: dict[str, deque[Fault]] = {}
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._updates_event = asyncio.Event()
        self._calls_event = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The Bot API base URL a bot appends its token to (PTB's ``base_url``)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """The file download base URL (PTB's ``base_file_url``)."""
        return f"{self.url}/file/bot"

    async def start(self) -> FakeBotAPI:
        """Bind to a free port (unless one was given) and start serving."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/_fake/push_update", self._control_push)
        app.router.add_post("/_fake/fail_next", self._control_fail)
        app.router.add_get("/_fake/report", self._control_report)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._closing = False
        return self

    async def stop(self) -> None:
        """Wake every waiting long poll and shut the server down."""
        self._closing = True
        self._wake_updates()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- test API ----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (update_id assigned if missing); return it.

        The update is checked against the spec's Update type first: a malformed update is a
        bug in the test, so it raises ValueError rather than being recorded as a violation.
        """
        problems = self.validator.check_value({"update_id": 1, **update}, ["Update"], "update")
        if problems:
            details = "; ".join(f"{p.field}: {p.reason}" for p in problems)
            raise ValueError(f"invalid update: {details}")
        queued = self.state.push_update(update)
        self._wake_updates()
        return queued

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        raw: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead of a result.

        ``raw`` is sent as an HTML body instead of Telegram's JSON (a proxy's 502 page).
        """
        name = self.validator.canonical_method(method) or method
        queue = self._faults.setdefault(name, deque())
        queue.extend(Fault(status, retry_after, description, raw) for _ in range(times))

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call of ``method``, oldest first."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
    ) -> Call:
        """The first call of ``method`` matching ``predicate`` not returned before; waits."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.calls:
                if call.consumed or call.method != method:
                    continue
                if predicate is None or predicate(call):
                    call.consumed = True
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [f"{c.method}({c.status})" for c in self.calls[-20:]]
                raise AssertionError(f"no {method} call within {timeout}s; last calls: {seen}")
            event = self._calls_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def assert_clean(self) -> None:
        """Raise AssertionError listing every violation recorded so far."""
        if self.violations:
            lines = "\n".join(f"  - {violation}" for violation in self.violations)
            raise AssertionError(f"{len(self.violations)} Bot API violation(s):\n{lines}")

    def clear(self) -> None:
        """Forget recorded calls and violations (state such as chats and messages stays)."""
        self.calls.clear()
        self.violations.clear()

    # -- request handling --------------------------------------------------------------------

    def _wake_updates(self) -> None:
        self._updates_event.set()
        self._updates_event = asyncio.Event()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._calls_event.set()
        self._calls_event = asyncio.Event()

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body.strip():
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise ValueError("the JSON body must be an object")
                raw.update(data)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    size = len(value.file.read())
                    upload = UploadedFile(name, value.filename, value.content_type, size)
                    files[name] = upload
                    raw[name] = upload
                else:
                    raw[name] = value
        return raw, files

    async def _handle(self, request: web.Request) -> web.Response:
        received = time.monotonic()
        name = request.match_info["method"]
        call = Call(name, {}, received, {}, http_method=request.method)
        call.content_type = request.content_type
        method = self.validator.canonical_method(name)
        if request.match_info["token"] != self.token:
            return self._respond(call, 401, error_body(401, "Unauthorized"), "", "wrong token")
        if method is None:
            body = error_body(404, "Not Found: method not found")
            return self._respond(call, 404, body, "", f"unknown method {name!r}")
        call.method = method
        try:
            raw, call.files = await self._read_params(request)
        except ValueError as exc:
            body = error_body(400, f"Bad Request: can't parse request: {exc}")
            return self._respond(call, 400, body, "", str(exc))
        fields = self.validator.methods[method]["fields"]
        # Uploaded parts referenced as attach://name are not parameters of their own.
        raw = {k: v for k, v in raw.items() if k in fields or not isinstance(v, UploadedFile)}
        call.params = decode_params(self.validator.spec, method, raw)
        problems = self.validator.check_call(method, call.params)
        for problem in problems:
            self.violations.append(Violation(method, problem.field, problem.reason))
        queue = self._faults.get(method)
        if queue:
            fault = queue.popleft()
            response = self._respond(call, fault.status, _fault_body(fault))
            if fault.raw is not None:
                return web.Response(text=fault.raw, status=fault.status, content_type="text/html")
            return response
        if not problems and self.flood_limits is not None:
            retry_after = self.flood_limits.check(method, call.params, received)
            if retry_after is not None:
                body = error_body(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
                return self._respond(call, 429, body)
        if problems:
            first = problems[0]
            detail = f"{first.field}: {first.reason}" if first.field else first.reason
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            return self._respond(call, 400, error_body(400, f"Bad Request: {detail}{more}"))
        try:
            if method == "getUpdates":
                result = await self._get_updates(call.params)
            else:
                returns = self.validator.methods[method].get("returns", [])
                result = self.state.answer(method, call.params, returns)
        except ApiError as exc:
            body = error_body(exc.status, exc.description)
            return self._respond(call, exc.status, body, "", exc.description)
        return self._respond(call, 200, {"ok": True, "result": result})

    def _respond(
        self,
        call: Call,
        status: int,
        body: dict[str, Any],
        field: str | None = None,
        reason: str | None = None,
    ) -> web.Response:
        if reason is not None:
            self.violations.append(Violation(call.method, field or "", reason))
        call.status = status
        call.response = body
        self._record(call)
        return web.json_response(body, status=status)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.state.webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0, params.get("timeout", 0))
        while True:
            updates = self.state.take_updates(
                params.get("offset"), params.get("limit", 100), params.get("allowed_updates")
            )
            remaining = deadline - loop.time()
            if updates or self._closing or remaining <= 0:
                return updates
            event = self._updates_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(error_body(404, "Not Found"), status=404)

    # -- control endpoints (for the standalone process) --------------------------------------

    async def _control_push(self, request: web.Request) -> web.Response:
        try:
            update = self.push_update(await request.json())
        except ValueError as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": update})

    async def _control_fail(self, request: web.Request) -> web.Response:
        spec = await request.json()
        self.fail_next(
            spec["method"],
            status=spec.get("status", 429),
            retry_after=spec.get("retry_after", 1),
            times=spec.get("times", 1),
            description=spec.get("description"),
            raw=spec.get("raw"),
        )
        return web.json_response({"ok": True, "result": True})

    async def _control_report(self, request: web.Request) -> web.Response:
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "calls": counts,
                    "violations": [str(violation) for violation in self.violations],
                    "pending_updates": len(self.state.updates),
                    "flood_refusals": len(self.flood_limits.refused) if self.flood_limits else 0,
                },
            }
        )
