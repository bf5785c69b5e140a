"""Who may read a practice: its org always; others by its visibility (partners, network, public)."""

import datetime as dt

import pytest

from hamdeli.core import services as core
from hamdeli.partners import services as partners
from hamdeli.partners.models import Network
from hamdeli.practices import selectors
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_org(cities):
    return core.ensure_organization(slug="barcelona", city=cities["barcelona"], name={"en": "Barcelona"})


def _visible(org):
    return set(selectors.visible_practices(org).values_list("title", flat=True).order_by())


def _titles(*names):
    return {str(name) for name in names}


def test_private_practice_is_only_the_owners(make_practice, org, other_org, outsider):
    p = make_practice(title={"en": "private one"}, visibility="private")
    assert selectors.visible_practices(org).filter(pk=p.pk).exists()
    assert not selectors.visible_practices(other_org).filter(pk=p.pk).exists()
    assert not selectors.visible_practices(None).filter(pk=p.pk).exists()
    response = api_client_for(outsider, other_org).get(f"/api/v1/practices/practices/{p.public_id}")
    assert response.status_code == 404


def test_partners_scope_reaches_only_cities_we_partner_with(make_practice, org, officer, other_org, third_org,
                                                            cities):
    p = make_practice(title={"en": "for partners"}, visibility="partners")
    assert not selectors.visible_practices(other_org).filter(pk=p.pk).exists()  # Xi'an is not a partner yet
    partners.create_partnership(org=org, actor=officer, city=cities["xian"])
    assert selectors.visible_practices(other_org).filter(pk=p.pk).exists()
    assert not selectors.visible_practices(third_org).filter(pk=p.pk).exists()  # Barcelona is not
    assert not selectors.visible_practices(None).filter(pk=p.pk).exists()


def test_ended_partnership_no_longer_shares(make_practice, org, officer, other_org, cities):
    p = make_practice(visibility="partners")
    link = partners.create_partnership(org=org, actor=officer, city=cities["xian"])
    partners.transition_partnership(org=org, actor=officer, partnership=link, action="end", on=dt.date(2021, 1, 1))
    assert not selectors.visible_practices(other_org).filter(pk=p.pk).exists()


def _member(org, actor, network):
    m = partners.create_network_membership(org=org, actor=actor, network=network)
    partners.transition_network_membership(org=org, actor=actor, membership=m, action="apply", on=dt.date(2019, 1, 1))
    partners.transition_network_membership(org=org, actor=actor, membership=m, action="admit", on=dt.date(2019, 2, 1))
    return m


def test_network_scope_reaches_members_of_that_network_only(make_practice, org, officer, other_org, outsider,
                                                            third_org):
    metropolis = Network.objects.get(slug="metropolis")
    _member(org, officer, metropolis)
    p = make_practice(visibility="network", network=metropolis)
    assert not selectors.visible_practices(other_org).filter(pk=p.pk).exists()
    applied = partners.create_network_membership(org=other_org, actor=outsider, network=metropolis)
    partners.transition_network_membership(org=other_org, actor=outsider, membership=applied, action="apply",
                                           on=dt.date(2019, 1, 1))
    assert not selectors.visible_practices(other_org).filter(pk=p.pk).exists()  # applied is not member
    partners.transition_network_membership(org=other_org, actor=outsider, membership=applied, action="admit",
                                           on=dt.date(2019, 3, 1))
    assert selectors.visible_practices(other_org).filter(pk=p.pk).exists()
    assert not selectors.visible_practices(third_org).filter(pk=p.pk).exists()


def test_sharing_with_a_network_we_are_not_in_is_refused(officer_api):
    response = officer_api.post("/api/v1/practices/practices", {
        "title": {"en": "x"}, "topics": ["education"], "visibility": "network", "network": "metropolis"},
        content_type="application/json")
    assert response.status_code == 422
    assert "network" in response.json()["fields"]


def test_public_practice_is_visible_to_everyone_but_editable_only_by_owner(make_practice, other_org, outsider):
    p = make_practice(visibility="public")
    assert selectors.visible_practices(None).filter(pk=p.pk).exists()
    client = api_client_for(outsider, other_org)
    assert client.get(f"/api/v1/practices/practices/{p.public_id}").json()["own"] is False
    response = client.patch(f"/api/v1/practices/practices/{p.public_id}", {"cost": 1},
                            content_type="application/json")
    assert response.status_code == 404


def test_viewer_reads_but_cannot_write(viewer_api, make_practice):
    p = make_practice()
    assert viewer_api.get(f"/api/v1/practices/practices/{p.public_id}").status_code == 200
    response = viewer_api.patch(f"/api/v1/practices/practices/{p.public_id}", {"cost": 5},
                                content_type="application/json")
    assert response.status_code == 403
