"""The audit is provable: append-only in the database, a hash chain per organization that
`hamdeli audit verify` recomputes, and concurrent writers cannot fork it."""

import threading

import pytest
from django.db import connection, transaction

from hamdeli import cli
from hamdeli.core import audit, triggers
from hamdeli.core import services as core
from hamdeli.core.models import AuditChainHead, AuditEntry
from tests.conftest import client_for


def _tokens(owner, org, n):
    membership = owner.memberships.get(org=org)
    for i in range(n):
        core.create_api_token(membership=membership, name=f"token {i}", actor=owner)


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_form_a_chain_that_verifies(org, other_org, owner, capsys):
    _tokens(owner, org, 3)
    entries = list(AuditEntry.objects.filter(org=org).order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))
    assert AuditChainHead.objects.get(org=org).hash == entries[-1].hash
    assert audit.verify() == []
    assert cli.main(["audit", "verify"]) == 0
    assert "audit verify: OK" in capsys.readouterr().out


@pytest.mark.parametrize("sql", ["UPDATE core_auditentry SET action = 'x'", "DELETE FROM core_auditentry"])
def test_the_database_refuses_changing_or_removing_an_entry(org, owner, sql):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        _raw(sql)
    entry = AuditEntry.objects.filter(org=org).first()
    entry.action = "rewritten"
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        entry.save()
    assert audit.verify() == []


def test_an_entry_edited_behind_the_applications_back_is_named(org, other_org, owner, capsys):
    _tokens(owner, org, 3)
    victim = AuditEntry.objects.filter(org=org, action="api_token.created").order_by("seq")[1]
    triggers.run(connection, create=False)  # what someone with the database password could do
    _raw("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"name": "forged"}', victim.pk])
    triggers.run(connection, create=True)
    faults = audit.verify()
    assert len(faults) == 1 and f"#{victim.pk} " in faults[0] and "does not match its hash" in faults[0]
    assert cli.main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"audit entry #{victim.pk} (position {victim.seq}" in err
    assert audit.verify(other_org) == []  # the other office's chain is untouched


def test_a_removed_entry_is_found_in_the_middle_and_at_the_end(org, owner):
    _tokens(owner, org, 3)
    entries = list(AuditEntry.objects.filter(org=org).order_by("seq"))
    triggers.run(connection, create=False)
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    [fault] = audit.verify()
    assert "entries after it were removed" in fault
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    triggers.run(connection, create=True)
    [fault] = audit.verify()
    assert f"#{entries[2].pk} " in fault and "missing" in fault


def test_a_forged_entry_with_a_recomputed_hash_breaks_the_next_link(org, owner):
    """Rewriting an entry and its own hash is not enough: the next entry still points at the old hash."""
    from hamdeli.core import chain

    _tokens(owner, org, 3)
    victim, follower = AuditEntry.objects.filter(org=org).order_by("seq")[1:3]
    victim.after = {"name": "forged"}
    forged = chain.entry_hash(audit.chain_values(victim, org_public_id=org.public_id))
    triggers.run(connection, create=False)
    _raw("UPDATE core_auditentry SET after = %s, hash = %s WHERE id = %s", ['{"name": "forged"}', forged, victim.pk])
    triggers.run(connection, create=True)
    [fault] = audit.verify()
    assert f"#{follower.pk} " in fault and "does not link" in fault


WRITERS = 16


def test_sixteen_concurrent_writers_cannot_fork_the_chain(transactional_db, org, owner):
    clients = [client_for(owner) for _ in range(WRITERS)]
    before = AuditEntry.objects.filter(org=org).count()
    statuses, barrier = [], threading.Barrier(WRITERS)

    def run(i, client):
        barrier.wait()
        try:
            statuses.append(client.post("/account/tokens/", {"name": f"racer {i}"},
                                        HTTP_X_REQUEST_ID=f"race-{i}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * WRITERS
    entries = list(AuditEntry.objects.filter(org=org).order_by("seq"))
    assert len(entries) == before + WRITERS
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert {e.request_id for e in entries if e.action == "api_token.created"} == {f"race-{i}" for i in range(WRITERS)}
    assert audit.verify() == []
