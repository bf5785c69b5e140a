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


@dataclass(frozen=True)
class Institution:
    """An institution another app knows about (a hospital the aid reached), offered to be listed here."""

    ref: str  # stable across calls: "<kind>:<public id>"
    name: dict  # localized text
    city_id: int | None
    note: str  # why it is offered, in the page's language


# kind -> lister(org) returning the Institutions of that kind the org's records hold
_DIRECTORIES: dict[str, Callable] = {}


def register_directory(kind: str, lister: Callable) -> None:
    _DIRECTORIES[kind] = lister


def directory(kind: str, *, org) -> list[Institution]:
    """The org's institutions of this kind (none when no app lists that kind)."""
    lister = _DIRECTORIES.get(kind)
    return list(lister(org=org)) if lister else []
