"""Links between records of different apps (a letter about a pledge, an endorsement received as a
letter), without the apps importing each other: each app registers, in its AppConfig.ready, how to
find one of its records by kind and public id within an organization."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    kind: str
    label: str
    url: str


# kind -> finder(org, public_id) returning a Link, or None when the org has no such record
_FINDERS: dict[str, Callable] = {}


def register(kind: str, finder: Callable) -> None:
    _FINDERS[kind] = finder


def find(kind: str, *, org, public_id) -> Link | None:
    """The org's record of this kind, or None (unknown kind, no such record, another org's record)."""
    finder = _FINDERS.get(kind)
    if finder is None or public_id is None:
        return None
    return finder(org=org, public_id=public_id)
