"""Local stand-ins for the two ways email leaves the service, each a real server on 127.0.0.1 in a thread:

- SmtpSink speaks enough SMTP for Django's SMTP backend (greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
  QUIT) and keeps what it is sent. `fail_next(...)` makes the next connections fail in a chosen way.
- NotifyStub answers GOV.UK Notify's "send an email" endpoint (POST /v2/notifications/email), checking the
  JSON Web Token the client signs with its API key, and keeps each request. `answer_next(...)` chooses the
  statuses of the next answers.
"""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

# --- SMTP -----------------------------------------------------------------------------------------


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    message: EmailMessage


class _SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 30  # a client that stops talking is dropped, so the test's thread ends

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink: SmtpSink = self.server.sink
        failure = sink.take_failure()
        if failure == "greeting":
            self.reply("421 4.3.2 Service not available, try again later")
            return
        self.reply("220 sink ESMTP")
        sender, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 sink")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip().strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                if failure == "recipient refused":
                    self.reply("550 5.1.1 Recipient address rejected")
                    continue
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                sink.keep(Delivered(sender, recipients, email.message_from_bytes(data, policy=email.policy.default)))
                self.reply("250 OK queued")
            elif verb in {"RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in {b".\r\n", b""}:
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self):
        self._lock = threading.Lock()
        self._delivered: list[Delivered] = []
        self._failures: list[str] = []
        self.connections = 0
        self._server = _Server(("127.0.0.1", 0), _SmtpHandler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def fail_next(self, *failures: str) -> None:
        """One failure per coming connection: "greeting" (421, try later) or "recipient refused" (550)."""
        with self._lock:
            self._failures.extend(failures)

    def take_failure(self) -> str | None:
        with self._lock:
            self.connections += 1
            return self._failures.pop(0) if self._failures else None

    def keep(self, delivered: Delivered) -> None:
        with self._lock:
            self._delivered.append(delivered)

    @property
    def delivered(self) -> list[Delivered]:
        with self._lock:
            return list(self._delivered)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- GOV.UK Notify ---------------------------------------------------------------------------------


def notify_api_key(*, service_id: str, secret: str) -> str:
    """A key in Notify's format: its name, then the service id and the signing secret."""
    return f"test_key-{service_id}-{secret}"


@dataclass
class NotifyRequest:
    path: str
    issuer: str
    token_valid: bool
    body: dict


@dataclass
class NotifyStub:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self):
        self._lock = threading.Lock()
        self._requests: list[NotifyRequest] = []
        self._statuses: list[int] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                stub._keep(self.path, token, body)
                status = stub._next_status()
                if status == 201:
                    answer = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {}}
                else:
                    answer = {
                        "status_code": status,
                        "errors": [{"error": _ERROR_NAMES.get(status, "Error"), "message": "see the docs"}],
                    }
                encoded = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_key = notify_api_key(service_id=self.service_id, secret=self.secret)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def _keep(self, path: str, token: str, body: dict) -> None:
        try:
            issuer = get_token_issuer(token)
            valid = decode_jwt_token(token, self.secret)
        except Exception:
            issuer, valid = "", False
        with self._lock:
            self._requests.append(NotifyRequest(path=path, issuer=issuer, token_valid=bool(valid), body=body))

    def _next_status(self) -> int:
        with self._lock:
            return self._statuses.pop(0) if self._statuses else 201

    def answer_next(self, *statuses: int) -> None:
        with self._lock:
            self._statuses.extend(statuses)

    @property
    def requests(self) -> list[NotifyRequest]:
        with self._lock:
            return list(self._requests)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


_ERROR_NAMES = {400: "BadRequestError", 403: "AuthError", 429: "RateLimitError", 500: "Exception"}
