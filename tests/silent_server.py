"""A TCP server on 127.0.0.1 that accepts connections and reads whatever arrives, but never answers:
a Redis (`url`) or a PostgreSQL (at `port`) that hangs. It counts connections and bytes, so tests can tell
whether the app contacted it, and how often."""

from __future__ import annotations

import selectors
import socket
import threading
import time
import uuid

from config import shared_redis


class SilentServer:
    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.setblocking(False)
        self.port = self._listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._connections = 0
        self._bytes = 0
        self._markers_seen: set[bytes] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        peers = {}  # socket -> the marker it sent, or None for a connection from the app
        while not self._stopping:
            markers = set()
            for key, _ in self._selector.select(timeout=0.05):
                if key.fileobj is self._listener:
                    self._accept_all(peers)
                    continue
                peer = key.fileobj
                data, closed = self._read_all(peer)
                if peers[peer] is None and data.startswith(b"marker:"):
                    peers[peer] = data
                if peers[peer] is not None:
                    markers.add(peers[peer])
                else:
                    with self._lock:
                        self._bytes += len(data)
                if closed:
                    self._selector.unregister(peer)
                    peer.close()
            # Published only once every socket that was ready alongside the marker has been read.
            with self._lock:
                self._markers_seen |= markers
        for peer in list(peers):
            peer.close()
        self._listener.close()

    @staticmethod
    def _read_all(peer) -> tuple[bytes, bool]:
        chunks = []
        while True:
            try:
                chunk = peer.recv(65536)
            except BlockingIOError:
                return b"".join(chunks), False
            except OSError:
                return b"".join(chunks), True
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)

    def _accept_all(self, peers):
        while True:
            try:
                peer, _ = self._listener.accept()
            except BlockingIOError:
                return
            peer.setblocking(False)
            peers[peer] = None
            self._selector.register(peer, selectors.EVENT_READ)
            with self._lock:
                self._connections += 1

    def settled_counts(self) -> tuple[int, int]:
        """(connections, bytes) from the app so far, once everything already sent has been taken in.

        A marker connection of our own goes last in the kernel's queue; when the server has read it, every
        earlier connection has been accepted and its bytes read, so the counts cannot still grow behind us.
        """
        marker = b"marker:" + uuid.uuid4().hex.encode()
        with socket.create_connection(("127.0.0.1", self.port)) as probe:
            probe.sendall(marker)
            deadline = time.monotonic() + 30  # only a guard against hanging, never what a test asserts
            while time.monotonic() < deadline:
                with self._lock:
                    if marker in self._markers_seen:
                        return self._connections - len(self._markers_seen), self._bytes
                time.sleep(0.01)
        raise AssertionError("the silent server never read its own marker")

    def stop(self):
        self._stopping = True
        self._thread.join(timeout=5)


class FakeClock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def serve_silent_redis(settings, monkeypatch):
    """For a fixture: REDIS_URL points at a SilentServer, and the breaker reads a clock the test moves
    (`server.clock.now += seconds`)."""
    server = SilentServer()
    settings.REDIS_URL = server.url
    settings.REDIS_SOCKET_TIMEOUT = 0.2
    settings.REDIS_BREAKER_SECONDS = 5
    server.clock = FakeClock(1000.0)
    monkeypatch.setattr(shared_redis, "monotonic", server.clock)
    shared_redis.forget_clients()
    try:
        yield server
    finally:
        server.stop()
        shared_redis.forget_clients()
