"""A campaign's page offers only the step its state allows: start when planned, finish when running,
none when finished."""

import re

import pytest
from django.urls import reverse

from hamdeli.campaigns.services import awareness
from tests.conftest import client_for


def _offered(page: str) -> set[str]:
    if 'name="action"' not in page:
        return set()
    select = page.split('name="action"')[1].split("</select>")[0]
    return set(re.findall(r'<option value="([a-z_]+)"', select))


@pytest.mark.django_db
def test_the_campaign_page_offers_only_the_next_step(org, officer, viewer, campaign):
    client = client_for(officer)
    url = reverse("campaigns:detail", args=[campaign.public_id])
    assert _offered(client.get(url).content.decode()) == {"start"}
    assert _offered(client_for(viewer).get(url).content.decode()) == set()
    awareness.transition_campaign(org=org, actor=officer, campaign=campaign, action="start")
    assert _offered(client.get(url).content.decode()) == {"finish"}
    awareness.transition_campaign(org=org, actor=officer, campaign=campaign, action="finish")
    assert _offered(client.get(url).content.decode()) == set()


@pytest.mark.django_db
def test_a_refused_step_shows_the_page_again_with_the_allowed_one(officer, campaign):
    response = client_for(officer).post(reverse("campaigns:transition", args=[campaign.public_id]),
                                        {"action": "finish"})
    assert response.status_code == 409
    assert _offered(response.content.decode()) == {"start"}
