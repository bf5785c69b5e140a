"""Reads of the core app, always scoped to an organization."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Field, Model, QuerySet
from django.utils import timezone

from hamdeli.core.models import ApiToken, AuditEntry, Membership, Organization, Role
from hamdeli.core.permissions import role_has
from hamdeli.core.records import get_or_404


def offices() -> QuerySet[Organization]:
    """Every office on this instance, as the public pages name them."""
    return Organization.objects.select_related("city").order_by("slug")


def other_offices(org: Organization) -> QuerySet[Organization]:
    """Every office on this instance but this one, with their cities."""
    return Organization.objects.exclude(pk=org.pk).select_related("city")


def first_audit_entry(*, org_id: int, action: str, object_id: str) -> AuditEntry | None:
    """The office's earliest audit entry of this action on this object, or None."""
    return AuditEntry.objects.filter(org=org_id, action=action, object_id=object_id).order_by("at").first()


def office(slug: str) -> Organization | None:
    """The office of this short name, with its city; None when there is none."""
    return Organization.objects.filter(slug=slug).select_related("city").first()


# The membership the request runs as (OrganizationMiddleware, or an API token's): read once per request
# and handed back by `membership` instead of being fetched again by every selector that checks it.
_request_membership: ContextVar[Membership | None] = ContextVar("hamdeli_request_membership", default=None)


@contextmanager
def request_membership(membership: Membership | None) -> Iterator[None]:
    """The request's membership for the duration of the request (the middleware)."""
    token = _request_membership.set(membership)
    try:
        yield
    finally:
        _request_membership.reset(token)


def bind_request_membership(membership: Membership) -> None:
    """An API token's membership, inside the request the middleware opened (restored when it ends)."""
    _request_membership.set(membership)


def membership(*, org: Organization, user: User) -> Membership | None:
    """The user's membership of the office (deactivated or not), or None."""
    current = _request_membership.get()
    if current is not None and current.org_id == org.pk and current.user_id == user.pk:
        return current
    return Membership.objects.filter(org=org, user=user).first()


def members_with_role(*, org: Organization, role: str) -> QuerySet[Membership]:
    return Membership.objects.filter(org=org, role=role).select_related("user")


def reminder_recipients(*, org: Organization, perm: str) -> QuerySet[Membership]:
    """The office's active members who asked for the daily reminder email, hold `perm` and have an email
    address, by user name."""
    roles = [role for role in Role.values if role_has(role, perm)]
    return (Membership.objects.filter(org=org, role__in=roles, reminder_emails=True, deactivated_at__isnull=True,
                                      user__is_active=True).exclude(user__email="")
            .select_related("user", "org").order_by("user__username"))


def memberships_of(user: User) -> QuerySet[Membership]:
    """The offices the user works in now (deactivated memberships left out)."""
    return Membership.objects.filter(user=user, deactivated_at__isnull=True).select_related("org", "org__city")


def people(*, org: Organization) -> QuerySet[Membership]:
    """Everyone in the office, active first, then by user name."""
    return (Membership.objects.filter(org=org).select_related("user")
            .order_by(F("deactivated_at").asc(nulls_first=True), "user__username"))


def person(*, org: Organization, username: str) -> Membership:
    return get_or_404(Membership.objects.select_related("user"), org=org, user__username=username)


def tokens(*, org: Organization, membership: Membership) -> QuerySet[ApiToken]:
    """A member's own tokens; owners see every token of the org."""
    qs = ApiToken.objects.filter(membership__org=org).select_related("membership__user")
    if membership.role != "owner":
        qs = qs.filter(membership=membership)
    return qs


def token(*, org: Organization, membership: Membership, public_id: UUID) -> ApiToken:
    return get_or_404(tokens(org=org, membership=membership), public_id=public_id)


def audit_trail(*, org: Organization, object_id: str | None = None, actor: User | None = None,
                action: str | None = None, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> QuerySet[AuditEntry]:
    """The office's audit entries, newest first, narrowed by what is given: one record's (its public id),
    one person's, one kind of action ("aid.pledge.created") or a whole area ("aid."), a date range
    (days in the office's time zone, both ends included)."""
    qs = AuditEntry.objects.filter(org=org).select_related("actor")
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if actor is not None:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_actions(*, org: Organization) -> list[str]:
    """The kinds of action the office's audit holds, for the page's filter."""
    return list(AuditEntry.objects.filter(org=org).order_by("action").values_list("action", flat=True).distinct())


def audit_people(*, org: Organization) -> QuerySet[User]:
    """Everyone who belongs or belonged to the office and may appear in its audit."""
    return get_user_model().objects.filter(memberships__org=org).order_by("username").distinct()


def changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """The entry's before/after as (field, was, now) for each field that differs, in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("", before, after)]
    names = list(dict.fromkeys([*before, *after]))
    return [(name, before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)]


# --- the API token of a request: read on every API request, so read without building the query each time ---

# (model, its concrete fields' attribute names, per field: its column expression and converters)
_Shape = tuple[type[Model], list[str], list[tuple[Any, list[Any]]]]
_token_sql: dict[str, tuple[str, list[_Shape]]] = {}


def _token_query(db: BaseDatabaseWrapper) -> tuple[str, list[_Shape]]:
    """The one SELECT of a live token with its membership, office and person (every column of the four rows,
    as `select_related` would read them), written once per database from the models' fields, with each
    column's converters (the ones Django's compiler applies: JSON, dates on SQLite …)."""
    if db.alias in _token_sql:
        return _token_sql[db.alias]
    q = db.ops.quote_name
    tables: list[tuple[type[Model], str]] = [(ApiToken, "t"), (Membership, "m"), (Organization, "o"),
                                             (get_user_model(), "u")]
    columns: list[str] = []
    shapes: list[_Shape] = []
    for model, alias in tables:
        fields: list[Field[Any, Any]] = list(model._meta.concrete_fields)
        columns += [f"{alias}.{q(f.column or f.attname)}" for f in fields]
        converters = [(f.get_col(alias), [*db.ops.get_db_converters(f.get_col(alias)), *f.get_db_converters(db)])
                      for f in fields]
        shapes.append((model, [f.attname for f in fields], converters))
    joins = {
        "t": q(ApiToken._meta.db_table),
        "m": q(Membership._meta.db_table),
        "o": q(Organization._meta.db_table),
        "u": q(get_user_model()._meta.db_table),
    }
    sql = (f"SELECT {', '.join(columns)} FROM {joins['t']} t "  # noqa: S608 - our own tables and columns
           f"INNER JOIN {joins['m']} m ON m.{q('id')} = t.{q('membership_id')} "
           f"INNER JOIN {joins['o']} o ON o.{q('id')} = m.{q('org_id')} "
           f"INNER JOIN {joins['u']} u ON u.{q('id')} = m.{q('user_id')} "
           f"WHERE t.{q('key_hash')} = %s AND t.{q('revoked_at')} IS NULL")
    _token_sql[db.alias] = (sql, shapes)
    return sql, shapes


def live_token(key_hash: str) -> ApiToken | None:
    """The token of this hash that is not revoked, with its membership, office and person read in the same
    statement (the same rows as `ApiToken.objects.filter(...).select_related("membership__org",
    "membership__user")`, read fresh on every call: a revocation, a changed role or a deactivated person
    counts on the very next request). None when there is none."""
    sql, shapes = _token_query(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    rows: list[Model] = []
    start = 0
    for model, names, converters in shapes:
        values = list(row[start:start + len(names)])
        for n, (column, field_converters) in enumerate(converters):
            for convert in field_converters:
                values[n] = convert(values[n], column, connection)
        rows.append(model.from_db(connection.alias, names, values))
        start += len(names)
    token, member, org, user = rows
    assert isinstance(token, ApiToken) and isinstance(member, Membership) and isinstance(org, Organization)
    member.org, member.user = org, user  # type: ignore[assignment]  # the configured user model
    token.membership = member
    return token
