"""Real servers on loopback for the reminder tests: an SMTP server and a webhook receiver.

The webhook receiver records every POST (path, query, JSON body) and answers
with what the test sets, so a test can make a robot refuse or fail.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller

# The dispatch cycle (rounds of MQDH2026) for the 催报 button tests.
from tests.dispatch_web.conftest import cycle  # noqa: F401


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    body: dict


@dataclass
class Hooks:
    """The webhook server: its base URL, what it received, and how it answers."""

    base: str
    received: list[Received] = field(default_factory=list)
    # path → (HTTP status, JSON answer); default 200 {"errcode": 0}
    answers: dict[str, tuple[int, dict]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


@pytest.fixture(scope="session")
def hooks_server():
    hooks = Hooks(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            hooks.received.append(Received(parts.path, parse_qs(parts.query), body))
            status, answer = hooks.answers.get(parts.path, (200, {"errcode": 0, "errmsg": "ok"}))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hooks.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hooks
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooks(hooks_server):
    hooks_server.received.clear()
    hooks_server.answers.clear()
    return hooks_server


class Mailbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "data": envelope.content,
            }
        )
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        mailbox.port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings):
    smtp_server.messages.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "zhaoshang@example.gov.cn"
    return smtp_server
