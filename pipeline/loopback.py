"""Loopback only: the local servers (Prefect's, the review desk) listen on 127.0.0.1.

Kept out of ``flows`` because it knows nothing about Prefect: any local page or API of the
project needs the same guarantee that nothing is reachable from another machine.
"""

from __future__ import annotations

import errno
import fcntl
import socket
import struct

from pipeline.errors import KijkwijzerError


def _loopback_reachable() -> bool:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        try:
            socket.create_connection(listener.getsockname(), timeout=1).close()
        except OSError as exc:
            if exc.errno in (errno.ENETUNREACH, errno.EADDRNOTAVAIL):
                return False
            raise
    return True


def ensure_loopback() -> None:
    """Bring up the loopback interface if it is down (e.g. under ``unshare -n``).

    The local Prefect server listens on 127.0.0.1. In a fresh network namespace - the
    usual way to prove a program makes no network calls - even loopback is down. Loopback
    reaches no other machine, so bringing it up inside such a namespace keeps the
    no-network guarantee; it needs CAP_NET_ADMIN, which the namespace's owner has.
    """
    if _loopback_reachable():
        return
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            request = struct.pack("16sh22x", b"lo", 0)
            flags = struct.unpack("16sh22x", fcntl.ioctl(sock, siocgifflags, request))[1]
            fcntl.ioctl(sock, siocsifflags, struct.pack("16sh22x", b"lo", flags | iff_up))
    except OSError as exc:
        raise KijkwijzerError(
            "the loopback interface (127.0.0.1) is down and cannot be brought up: "
            f"{exc.strerror} (run `ip link set lo up` in this network namespace)"
        ) from exc


def free_port(host: str) -> int:
    """A port on ``host`` that was free a moment ago (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
