"""Where the current change comes from — channel (page, api, command), API token, client address and
request id — set once per request (RequestOriginMiddleware) or per command, read by the audit and logs."""

import contextvars
import dataclasses


@dataclasses.dataclass
class Origin:
    channel: str = "system"  # page | api | command | system (code run with no request, e.g. tests)
    token_id: str = ""
    ip: str | None = None
    request_id: str = ""


_current: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("hamdeli_origin", default=None)


def current() -> Origin:
    return _current.get() or Origin()


def begin(origin: Origin) -> contextvars.Token[Origin | None]:
    return _current.set(origin)


def end(token: contextvars.Token[Origin | None]) -> None:
    _current.reset(token)
