"""The network guard used by the test suite (see sitecustomize.py beside this file)."""

import ipaddress
import socket


class NetworkBlocked(OSError):
    """Raised when code tries to reach a non-loopback address while the guard is on."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]")
    if host in _LOCAL_NAMES:
        return True
    try:
        addr = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


def _guard_address(address):
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        raise NetworkBlocked(f"casekit offline guard: network access to {address[0]!r} is blocked")


def install() -> None:
    if getattr(socket, "_casekit_guard", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto
    original_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        _guard_address(address)
        return original_connect(self, address)

    def connect_ex(self, address):
        _guard_address(address)
        return original_connect_ex(self, address)

    def sendto(self, data, *args):
        _guard_address(args[-1])
        return original_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            raise NetworkBlocked(f"casekit offline guard: name lookup of {host!r} is blocked")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    socket._casekit_guard = True
