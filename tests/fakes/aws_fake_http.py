"""The fake's HTTP transport: a threaded stdlib server on 127.0.0.1 and AWS JSON wire helpers."""

from __future__ import annotations

import json
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.aws_fake_model import AwsError

__all__ = ["JsonServer", "credential_scope", "lenient_json", "strict_json"]

Responder = Callable[[dict[str, str], bytes], tuple[int, bytes]]


def credential_scope(headers: Mapping[str, str]) -> list[str] | None:
    """["AKID", "20240101", "us-east-1", "health", "aws4_request"] from the Authorization header."""
    for part in headers.get("authorization", "").replace(",", " ").split():
        if part.startswith("Credential="):
            scope = part.removeprefix("Credential=").split("/")
            return scope if len(scope) == 5 else None
    return None


def lenient_json(body: bytes) -> dict[str, Any]:
    try:
        params = json.loads(body) if body else {}
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


def strict_json(body: bytes) -> dict[str, Any]:
    try:
        params = json.loads(body) if body else {}
    except ValueError as err:
        raise AwsError("SerializationException", f"Request body is not valid JSON: {err}") from None
    if not isinstance(params, dict):
        raise AwsError("SerializationException", "Request body must be a JSON object")
    return params


class JsonServer(ThreadingHTTPServer):
    """Answers every POST with `respond(lower-case headers, body) -> (status, JSON bytes)`."""

    daemon_threads = False  # server_close() joins the handler threads
    block_on_close = True

    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def abort_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections so they can be joined."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (read timeout) or a close() mid-request is not a fake bug.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    server: JsonServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, payload = self.server.respond(headers, body)
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass
