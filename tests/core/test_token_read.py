"""An API request's token is read by one statement built once per process (core.selectors.live_token): the same
rows as the ORM's select_related read, fresh on every request, so a revocation or a new role counts at once."""

import pytest

from hamdeli.core import selectors
from hamdeli.core import services as core
from hamdeli.core.models import ApiToken, Membership
from tests.conftest import client_for


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_the_token_read_gives_what_the_orm_gives(org, officer):
    membership = Membership.objects.get(org=org, user=officer)
    token, secret = core.create_api_token(membership=membership, name="script")
    read = selectors.live_token(ApiToken.hash(secret))
    orm = ApiToken.objects.select_related("membership__org", "membership__user").get(pk=token.pk)
    assert _values(read) == _values(orm)
    assert _values(read.membership) == _values(orm.membership)
    assert _values(read.membership.org) == _values(orm.membership.org)
    assert _values(read.membership.user) == _values(orm.membership.user)
    assert read.membership.org.name == orm.membership.org.name and isinstance(read.membership.org.name, dict)
    assert selectors.live_token(ApiToken.hash(secret + "x")) is None


@pytest.mark.django_db
def test_revoking_or_demoting_counts_on_the_next_request(org, owner):
    membership = Membership.objects.get(org=org, user=owner)
    token, secret = core.create_api_token(membership=membership, name="script")
    api = client_for(owner)
    api.logout()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/audit", headers=headers).status_code == 200
    Membership.objects.filter(pk=membership.pk).update(role="officer")  # the office's audit is the owners'
    assert api.get("/api/v1/audit", headers=headers).status_code == 403
    assert api.get("/api/v1/partners/partnerships", headers=headers).status_code == 200
    core.revoke_api_token(token=token, actor=owner)
    assert api.get("/api/v1/partners/partnerships", headers=headers).status_code == 401
