"""A small HTTP(S) client on the standard library for the cluster test: one keep-alive connection,
cookies, a chosen source address (so one test can be several clients to nginx), and the headers
nginx would add when a request goes straight to an app server.

Requests are never sent twice: a connection that breaks gives status 0 with the error, as a
browser's user would see it (a filing must not be resent by the test behind its back).
"""
from __future__ import annotations

import http.client
import json as jsonlib
import ssl
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.conftest import DEMO_PASSWORD, csrf_from


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names; the last of repeated ones
    all_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str = ""
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return jsonlib.loads(self.body or b"null")


class Client:
    """`base`: https://127.0.0.1:<nginx port> (verified against `cafile`) or http://127.0.0.1:<app port>.

    `source`: the local address to connect from (127.0.0.x: nginx sees another client).
    `forwarded`: for a direct request to an app server, the X-Forwarded-* nginx would send, as
    {"for": client ip, "proto": "https", "host": "127.0.0.1", "port": "<nginx port>"}.
    """

    def __init__(self, base: str, *, cafile: str | None = None, source: str | None = None,
                 forwarded: dict[str, str] | None = None, user_agent: str = "cluster-test", timeout: float = 120):
        parts = urlsplit(base)
        self.base, self.scheme, self.host, self.port = base.rstrip("/"), parts.scheme, parts.hostname, parts.port
        self.context = ssl.create_default_context(cafile=cafile) if self.scheme == "https" else None
        self.source, self.forwarded, self.timeout = source, forwarded, timeout
        self.user_agent = user_agent
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        source = (self.source, 0) if self.source else None
        if self.context is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context,
                                               source_address=source)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout, source_address=source)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, *, body: bytes | None = None, json=None, form: dict | None = None,
                headers: dict[str, str] | None = None, user_agent: str | None = None) -> Response:
        sent = {"User-Agent": user_agent or self.user_agent, "Accept-Language": "zh"}
        if json is not None:
            body, sent["Content-Type"] = jsonlib.dumps(json).encode(), "application/json"
        elif form is not None:
            body, sent["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.forwarded:
            sent.update({"Host": self.forwarded["host"], "X-Forwarded-For": self.forwarded["for"],
                         "X-Forwarded-Proto": self.forwarded["proto"], "X-Forwarded-Host": self.forwarded["host"],
                         "X-Forwarded-Port": self.forwarded["port"]})
        sent.update(headers or {})
        started = time.perf_counter()
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.request(method, path, body=body, headers=sent)
            raw = self.connection.getresponse()
            data = raw.read()
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, closed
            self.close()
            return Response(0, error=f"{type(error).__name__}: {error}", seconds=time.perf_counter() - started)
        response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.getheaders(), data,
                            seconds=time.perf_counter() - started)
        for header in raw.headers.get_all("Set-Cookie") or []:
            self._keep_cookie(header)
        if raw.will_close:
            self.close()
        return response

    def _keep_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def announce(self, method: str, path: str, length: int) -> int:
        """Send only a request's head with this Content-Length (no body) and return the status:
        what a proxy answers from the head alone, e.g. 413."""
        connection = self._connect()
        try:
            connection.putrequest(method, path)
            connection.putheader("User-Agent", self.user_agent)
            connection.putheader("Content-Type", "application/octet-stream")
            connection.putheader("Content-Length", str(length))
            connection.endheaders()
            return connection.getresponse().status
        finally:
            connection.close()

    def get(self, path: str, **options) -> Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options) -> Response:
        return self.request("POST", path, **options)

    def origin(self) -> str:
        """The address a browser would be at: nginx's, also when talking to an app server directly."""
        if self.forwarded:
            return f"{self.forwarded['proto']}://{self.forwarded['host']}:{self.forwarded['port']}"
        return self.base

    def csrf_token(self, path: str = "/auth/login") -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.error, page.text[:300])
        return csrf_from(page.text)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> Response:
        """The login form, as a browser sends it (strict CSRF over HTTPS wants the Referer)."""
        token = self.csrf_token()
        return self.post("/auth/login", form={"username": username, "password": password, "csrf_token": token},
                         headers={"Referer": f"{self.origin()}/auth/login"})


def answers(client: Client, path: str) -> bool:
    """For wait_for: the path answers 200 (a fresh connection each time, closed after)."""
    try:
        return client.get(path).status == 200
    finally:
        client.close()
