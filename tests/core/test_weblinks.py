"""Every web address a user can store is http(s), checked in the service whatever path it came by,
and only such an address is ever made into a link."""

import datetime as dt

import pytest

from hamdeli.campaigns.models import Endorsement
from hamdeli.campaigns.services import advocacy
from hamdeli.core.errors import ValidationFailed
from tests.conftest import client_for

HOSTILE = ["javascript:fetch('/api/v1/me')", "JavaScript:alert(1)", " javascript:alert(1)",
           "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "//evil.example/x", "ftp://x.org/a",
           "http://", "https://exa mple.org/"]


@pytest.fixture
def statement(org, officer):
    return advocacy.create_advocacy(org=org, actor=officer, title={"en": "No to sanctions"},
                                    statement={"en": "Statement text"}, issued_on=dt.date(2020, 3, 20))


@pytest.mark.parametrize("url", HOSTILE)
def test_an_endorsement_source_must_be_a_web_address_on_every_path(url, officer_api, org, officer, statement):
    response = officer_api.post(f"/api/v1/campaigns/advocacy/{statement.public_id}/endorsements", {
        "endorser_name": "N", "endorsed_on": "2020-03-25", "channel": "email", "on_behalf_of": "organisation",
        "organisation": "X", "source_url": url}, content_type="application/json")
    assert response.status_code == 422 and "source_url" in response.json()["fields"], response.content
    with pytest.raises(ValidationFailed):
        advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name="N",
                                 endorsed_on=dt.date(2020, 3, 25), channel="email", on_behalf_of="organisation",
                                 organisation="X", source_url=url)
    assert not Endorsement.objects.exists()


def test_a_web_address_is_kept(org, officer, statement):
    e = advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name="N",
                                 endorsed_on=dt.date(2020, 3, 25), channel="email", on_behalf_of="organisation",
                                 organisation="X", source_url=" https://inta-aivn.org/en/news ")
    assert e.source_url == "https://inta-aivn.org/en/news"


@pytest.mark.parametrize("url", HOSTILE[:4])
def test_a_practice_link_must_be_a_web_address(url, officer_api):
    response = officer_api.post("/api/v1/practices/practices", {
        "title": {"en": "Masks for all"}, "summary": {"en": "s"}, "topics": ["disinfection"], "links": [url]},
        content_type="application/json")
    assert response.status_code == 422 and "links" in response.json()["fields"], response.content


def test_a_stored_script_address_is_never_made_a_link(org, officer, statement):
    e = advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name="N",
                                 endorsed_on=dt.date(2020, 3, 25), channel="email", on_behalf_of="organisation",
                                 organisation="X")
    Endorsement.objects.filter(pk=e.pk).update(source_url="javascript:alert(1)")  # as stored before the check
    page = client_for(officer).get(f"/advocacy/{statement.public_id}/").content.decode()
    assert "javascript:" not in page
