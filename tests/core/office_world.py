"""Two offices with demo-like records of every kind (the permission matrix's builders, run once per office),
and a way to read an office's rows that does not depend on the instance's integer ids, so an office on
one instance can be compared with the same office imported into another."""

import contextlib
import datetime as dt
import json
from types import SimpleNamespace

from django.apps import apps
from django.db.models import FileField

from hamdeli.aid import services as aid
from hamdeli.aid import sharing
from hamdeli.core import services as core
from hamdeli.core.errors import Conflict
from hamdeli.core.office_archive import PEOPLE, SECRETS, SHARED, classify
from hamdeli.correspondence import services as letters
from hamdeli.partners import services as partners
from hamdeli.partners.models import Network
from hamdeli.partners.reference import load_networks


def seed_office(org, officer, cities):
    """Partners, letters (with an attachment and a reply that points forward), aid with movements and a
    reversal, campaigns with a design file, practices with an attachment, tokens, a calendar feed."""
    from tests.aid import matrix_rows as aid_rows
    from tests.campaigns import matrix_rows as campaign_rows
    from tests.correspondence import matrix_rows as letter_rows
    from tests.partners import matrix_rows as partner_rows
    from tests.practices import matrix_rows as practice_rows

    load_networks(Network)  # a transactional test before this one flushed the migration's networks
    w = SimpleNamespace(org=org, officer=officer, cities=cities)
    for rows in (partner_rows, letter_rows, aid_rows, campaign_rows, practice_rows):
        rows.build(w)
    letters.update_letter(org=org, actor=officer, letter=w.letter, reply_to=w.incoming)  # a later row of its table
    made = aid.intake(org=org, actor=officer, location=w.aid.store, item=w.aid.item, quantity=50, lot_number="R1")
    aid.reverse_movement(org=org, actor=officer, movement=made[0], note="counted twice")
    membership = officer.memberships.get(org=org)
    core.create_api_token(membership=membership, name="still in use", actor=officer)
    token, _secret = core.create_api_token(membership=membership, name="old", actor=officer)
    core.revoke_api_token(token=token, actor=officer)
    return w


def link_offices(donor_world, recipient_world):
    """An outbound pledge of the donor office offered to, and accepted by, the recipient office."""
    d, r = donor_world, recipient_world
    for one, other in ((d, r), (r, d)):  # only partner offices share a shipment (aid.sharing)
        with contextlib.suppress(Conflict):  # already partners
            partners.create_partnership(org=one.org, actor=one.officer, city=other.org.city)
    pledge = aid.create_pledge(org=d.org, actor=d.officer, direction="outbound", donor=d.aid.city,
                               recipient=d.aid.hospital, lines=[(d.aid.item, 5)])
    link = sharing.offer_link(org=d.org, actor=d.officer, pledge=pledge, recipient_org=r.org)
    return sharing.accept_link(org=r.org, actor=r.officer, link=link, donor=r.aid.donor, recipient=r.aid.city)


# --- rows, whatever the instance's integer ids -------------------------------------------------------

def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value) if value is not None else None


class Identities:
    """A row's identity on any instance: its public id, a person's user name, a shared row's natural key,
    or else (a membership, a balance) its own values with its references as identities."""

    def __init__(self):
        self.cache = {}

    def of(self, model, pk):
        key = (model._meta.label_lower, pk)
        if key not in self.cache:
            self.cache[key] = self._find(model, pk)
        return self.cache[key]

    def _find(self, model, pk):
        label = model._meta.label_lower
        if pk is None:
            return None
        if label == PEOPLE:
            return model._base_manager.filter(pk=pk).values_list("username", flat=True).get()
        if label in SHARED:
            return str(model._base_manager.filter(pk=pk).values_list(SHARED[label], flat=True).get())
        if any(f.name == "public_id" for f in model._meta.concrete_fields):
            return str(model._base_manager.filter(pk=pk).values_list("public_id", flat=True).get())
        return self.row(model, model._base_manager.get(pk=pk))

    def row(self, model, obj, skip=()):
        values = {}
        for f in model._meta.concrete_fields:
            if f.attname in skip or (f.primary_key and not f.is_relation):
                continue
            value = getattr(obj, f.attname)
            values[f.name] = self.of(f.related_model, value) if f.is_relation else _plain(
                value.name if isinstance(f, FileField) else value)
        return json.dumps(values, sort_keys=True)


# Columns that differ after an import on purpose: a secret's fresh hash and the revocation it brings, the
# home id an imported audit entry's hash covers.
DIFFERS = {"core.auditentry": ("hashed_actor_id",), **SECRETS}


def office_rows(org) -> dict:
    """Every row of the office, per table, as a sorted list of identities-only JSON."""
    ids = Identities()
    found = {}
    for model, lookup in classify().owned:
        label = model._meta.label_lower
        rows = model._base_manager.filter(**{lookup: org} if lookup else {"pk": org.pk})
        found[label] = sorted(ids.row(model, obj, DIFFERS.get(label, ())) for obj in rows)
    return found


def office_files(org) -> dict:
    """The bytes of every file the office's rows name, by the row's public id and field."""
    found = {}
    for model, lookup in classify().owned:
        file_fields = [f for f in model._meta.concrete_fields if f.get_internal_type() == "FileField"]
        for obj in model._base_manager.filter(**{lookup: org} if lookup else {"pk": org.pk}):
            for f in file_fields:
                value = getattr(obj, f.attname)
                if value:
                    with value.open("rb") as handle:
                        found[f"{model._meta.label_lower}/{obj.public_id}/{f.name}"] = handle.read()
    return found


def public_ids(org) -> set[str]:
    """The public ids of every row of the office."""
    found = set()
    for model, lookup in classify().owned:
        if any(f.name == "public_id" for f in model._meta.concrete_fields):
            rows = model._base_manager.filter(**{lookup: org} if lookup else {"pk": org.pk})
            found |= {str(p) for p in rows.values_list("public_id", flat=True)}
    return found


def model(label):
    return apps.get_model(label)
