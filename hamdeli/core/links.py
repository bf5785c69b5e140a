"""Links between records of different apps (a letter about a pledge, an endorsement received as a
letter), without the apps importing each other: each app registers, in its AppConfig.ready, how to
find one of its records by kind and public id within an organization."""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from hamdeli.core.models import Organization


@dataclass(frozen=True)
class Link:
    kind: str
    label: str
    url: str


# kind -> finder(org, public_id) returning a Link, or None when the org has no such record
Finder = Callable[..., "Link | None"]  # finder(org=, public_id=)
_FINDERS: dict[str, Finder] = {}


def register(kind: str, finder: Finder) -> None:
    _FINDERS[kind] = finder


def find(kind: str, *, org: Organization, public_id: UUID | None) -> Link | None:
    """The org's record of this kind, or None (unknown kind, no such record, another org's record)."""
    finder = _FINDERS.get(kind)
    if finder is None or public_id is None:
        return None
    return finder(org=org, public_id=public_id)


@dataclass(frozen=True)
class Institution:
    """An institution another app knows about (a hospital the aid reached), offered to be listed here."""

    ref: str  # stable across calls: "<kind>:<public id>"
    name: dict[str, str]  # localized text
    city_id: int | None
    note: str  # why it is offered, in the page's language


# kind -> lister(org) returning the Institutions of that kind the org's records hold
Lister = Callable[..., "list[Institution]"]  # lister(org=)
_DIRECTORIES: dict[str, Lister] = {}


def register_directory(kind: str, lister: Lister) -> None:
    _DIRECTORIES[kind] = lister


def directory(kind: str, *, org: Organization) -> list[Institution]:
    """The org's institutions of this kind (none when no app lists that kind)."""
    lister = _DIRECTORIES.get(kind)
    return list(lister(org=org)) if lister else []
