"""Listening sockets for ``hamtriage serve --workers N``: one per worker, so the kernel spreads connections.

uvicorn's supervisor binds one socket and hands it to every worker; each worker's event
loop then accepts whatever is waiting when it wakes, and clients that open their
keep-alive connections in a burst end up mostly on one worker (15 of 16 was measured;
docs/benchmarks.md, "Where a second worker's throughput goes"). On Linux each worker
instead opens a socket of its own on the same port with ``SO_REUSEPORT``, and the kernel
hashes every new connection onto one of them.

The supervisor still gets one socket: a :class:`PortClaim`, bound with ``SO_REUSEPORT``
but never listening (it holds the port and takes no connections). Pickled into a worker
it is not duplicated: the worker opens its own listening socket (:func:`open_listener`).
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from ..errors import HamtriageError

__all__ = ["PortClaim", "claim_port", "open_listener", "reuse_port_supported"]


def reuse_port_supported() -> bool:
    """Whether the kernel balances connections over ``SO_REUSEPORT`` sockets (Linux does;
    elsewhere the option means something else, so uvicorn's shared socket is kept)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _reusable(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def open_listener(host: str, port: int) -> socket.socket:
    """A worker's own socket on ``host:port`` (uvicorn makes it listen)."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        _reusable(sock)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


class PortClaim(socket.socket):
    """The supervisor's hold on the port; in a worker, that worker's own listening socket."""

    host: str
    port: int

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return (open_listener, (self.host, self.port))


def claim_port(host: str, port: int) -> PortClaim:
    """Hold ``host:port`` for the workers, or raise :class:`~hamtriage.HamtriageError`
    naming it if something listens there already.

    With ``SO_REUSEPORT`` a second service of the same user could otherwise join the
    port and take half its connections: a probe bound without that option fails on a
    port that any listening socket holds.
    """
    family = _family(host)
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        probe.bind((host, port))
        port = probe.getsockname()[1]
    except OSError as exc:
        raise HamtriageError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc} (is another service "
            "running there? choose another --port)"
        ) from None
    finally:
        probe.close()
    claim = PortClaim(family, socket.SOCK_STREAM)
    try:
        _reusable(claim)
        claim.bind((host, port))
    except OSError as exc:
        claim.close()
        raise HamtriageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    claim.host, claim.port = host, port
    return claim
