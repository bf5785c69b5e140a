"""A pledge's page offers only the steps its state allows, and to those who may take them; a step it
does not offer, posted anyway, is still refused by the service (409)."""

import re

import pytest

from hamdeli.aid import services
from tests.aid.conftest import form, inbound_pledge
from tests.conftest import client_for


def _offered(page: str) -> set[str]:
    if 'name="action"' not in page:
        return set()
    select = page.split('name="action"')[1].split("</select>")[0]
    return set(re.findall(r'<option value="([a-z_]+)"', select))


@pytest.mark.django_db
def test_an_offered_inbound_pledge_offers_accept_and_cancel_only(aid, org, officer):
    pledge, _ = inbound_pledge(aid, accept=False)
    page = client_for(officer).get(f"/aid/pledges/{pledge.public_id}/").content.decode()
    assert _offered(page) == {"accept", "cancel"}
    assert 'name="source"' not in page  # only an outbound pledge reserves from a store


@pytest.mark.django_db
def test_a_shipped_inbound_pledge_offers_only_cancel(aid, org, officer):
    pledge, _ = inbound_pledge(aid)
    page = client_for(officer).get(f"/aid/pledges/{pledge.public_id}/").content.decode()
    assert _offered(page) == {"cancel"}  # it is received box by box, not by a step


@pytest.mark.django_db
def test_an_outbound_pledge_offers_ship_once_accepted(aid, org, officer):
    services.intake(org=org, actor=officer, location=aid.store, item=aid.mask, quantity=100, donor=aid.xian)
    pledge = services.create_pledge(org=org, actor=officer, direction="outbound", donor=aid.city,
                                    recipient=aid.xian, lines=[(aid.mask, 100)])
    client = client_for(officer)
    page = client.get(f"/aid/pledges/{pledge.public_id}/").content.decode()
    assert _offered(page) == {"accept", "cancel"}
    assert 'name="source"' in page
    services.transition_pledge(org=org, actor=officer, pledge=pledge, action="accept", source=aid.store)
    page = client.get(f"/aid/pledges/{pledge.public_id}/").content.decode()
    assert _offered(page) == {"ship", "cancel"}
    assert 'name="source"' not in page


@pytest.mark.django_db
def test_a_cancelled_pledge_offers_no_step_and_a_viewer_none(aid, org, officer, viewer):
    pledge, _ = inbound_pledge(aid, accept=False)
    assert _offered(client_for(viewer).get(f"/aid/pledges/{pledge.public_id}/").content.decode()) == set()
    services.transition_pledge(org=org, actor=officer, pledge=pledge, action="cancel", reason="duplicate")
    page = client_for(officer).get(f"/aid/pledges/{pledge.public_id}/").content.decode()
    assert _offered(page) == set()


@pytest.mark.django_db
def test_a_step_not_offered_is_still_refused_when_posted(aid, org, officer):
    pledge, _ = inbound_pledge(aid, accept=False)
    response = client_for(officer).post(f"/aid/pledges/{pledge.public_id}/transition/",
                                        form(org, {"action": "close"}))
    assert response.status_code == 409
    assert _offered(response.content.decode()) == {"accept", "cancel"}
