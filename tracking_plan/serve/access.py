"""Who may call what on `tp serve`.

The collecting paths (/v1/...) are open, as Segment's are: a page of any origin may send to
them (CORS `*`, never with credentials), and only the write key, when one is set, is checked.

Everything else, the inspection API and reset, answers only this machine's own clients:
- `Host` must name this server (localhost, 127.0.0.1 or [::1] with its port, its --host, or an
  --allow-host), so a page whose domain an attacker re-pointed at 127.0.0.1 (DNS rebinding)
  is refused: its requests name the attacker's domain;
- the request must not come from a page of another origin (`Origin`, `Sec-Fetch-Site`), and
  preflights are refused, so no page can read the captures or reset them;
- it must carry the write key, when one is set (Basic auth user, or a Bearer token);
- a reset must be `application/json`, which no HTML form or simple request can send.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping, Sequence

from .protocol import ProtocolError, authorization_key

COLLECTING_METHODS = "POST"
# What Segment's browser SDKs send (analytics-next adds X-Retry-Count to retries).
COLLECTING_HEADERS = ("Content-Type", "Authorization", "Content-Encoding", "X-Retry-Count")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
_SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})
_AUTHORITY = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(?P<port>[0-9]{1,5}))?")
_DEFAULT_PORT = 80
_JSON = "application/json"


def authority(text: str, default_port: int = _DEFAULT_PORT) -> str | None:
    """`name:port` in lower case, of a Host header or an --allow-host value; None when `text`
    is not a host name or address with an optional port."""
    match = _AUTHORITY.fullmatch(text.strip().lower())
    if match is None:
        return None
    port = int(match["port"]) if match["port"] else default_port
    return f"{match['name']}:{port}" if 0 < port < 65536 else None


def bracketed(host: str) -> str:
    """An IPv6 address as URLs and Host headers write it."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class Access:
    """The checks above, for a server listening on `port` of `host`."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        allowed_hosts: Sequence[str] = (),
        write_key: str | None = None,
    ) -> None:
        names = [*_LOOPBACK_NAMES, bracketed(host)]
        hosts = {authority(name, port) for name in names}
        for value in allowed_hosts:
            accepted = authority(value, port)
            if accepted is None:
                raise ValueError(
                    f"--allow-host {value!r} is not a host name or address (with an optional"
                    " :port), such as tp.test or 192.168.1.20"
                )
            hosts.add(accepted)
        self._hosts = frozenset(name for name in hosts if name is not None)
        self._port = port
        self.write_key = write_key

    # -- the collecting paths

    def check_write_key(self, key: str | None) -> None:
        """Raises 401 unless `key` is the write key (any key goes when none is set)."""
        if self.write_key is None or _same_key(key, self.write_key):
            return
        problem = "no write key" if not key else "a write key this server does not accept"
        raise ProtocolError(
            401,
            "unauthorized",
            f"the request carries {problem}; send the key tp serve was started with"
            " (--write-key) as the Basic auth user or as writeKey in the body",
        )

    # -- the inspection API and reset

    def check_local(self, path: str, headers: Mapping[str, str]) -> None:
        """Raises 403 unless the request names this server and comes from no other origin."""
        host = headers.get("host")
        if host is None or authority(host) not in self._hosts:
            shown = f"Host {host!r}" if host is not None else "a request without Host"
            raise ProtocolError(
                403,
                "host-not-allowed",
                f"{path} answers only requests addressed to this server, and {shown} is not"
                f" one of localhost, 127.0.0.1 or [::1] on port {self._port}, or its --host;"
                " to reach it under another name, start it with --allow-host NAME",
            )
        origin = headers.get("origin")
        fetch_site = headers.get("sec-fetch-site", "").strip().lower() or None
        foreign = origin is not None and _origin_authority(origin) != authority(host)
        if foreign or (fetch_site is not None and fetch_site not in _SAME_ORIGIN_FETCHES):
            source = f"a page of {origin}" if origin is not None else f"a {fetch_site} page"
            raise ProtocolError(
                403,
                "cross-origin",
                f"{path} does not answer {source}: what tp serve captured is not open to web"
                " pages; read it from this machine (curl, tp captures check)",
            )

    def check_key(self, path: str, authorization: str | None) -> None:
        """Raises 401 unless the Authorization header carries the write key, when one is set."""
        if self.write_key is None or _same_key(authorization_key(authorization), self.write_key):
            return
        raise ProtocolError(
            401,
            "unauthorized",
            f"{path} needs the key tp serve was started with (--write-key): send it as the"
            " Basic auth user (curl -u KEY:) or as a Bearer token, or pass --write-key to"
            " tp captures check",
            headers=[("www-authenticate", 'Basic realm="tp serve", charset="UTF-8"')],
        )

    @staticmethod
    def check_json(path: str, content_type: str | None) -> None:
        """Raises 415 unless the body is declared JSON, which needs a preflight cross-origin."""
        if (content_type or "").partition(";")[0].strip().lower() == _JSON:
            return
        raise ProtocolError(
            415,
            "unsupported-media-type",
            f"POST {path} takes Content-Type: {_JSON}, not {content_type!r}, so that no web page"
            f" can send it: curl -X POST -H 'Content-Type: {_JSON}' ...{path}",
        )


def _origin_authority(origin: str) -> str | None:
    scheme, separator, rest = origin.partition("://")
    if scheme.lower() != "http" or not separator:
        return None
    return authority(rest)


def _same_key(given: str | None, expected: str) -> bool:
    if given is None:
        return False
    # Constant time; surrogatepass, since a key from JSON or argv may hold lone surrogates.
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )
