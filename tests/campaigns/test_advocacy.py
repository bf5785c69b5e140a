import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from hamdeli.campaigns.models import Endorsement, StatementVersion
from hamdeli.campaigns.services import advocacy
from hamdeli.core.models import AuditEntry
from hamdeli.partners import services as partners
from hamdeli.partners.models import Interaction, Network
from tests.campaigns.helpers import fake_png, pdf
from tests.conftest import client_for

API = "/api/v1/campaigns"


@pytest.fixture
def statement(org, officer):
    return advocacy.create_advocacy(
        org=org, actor=officer, title={"fa": "نه به تحریم در شرایط کرونا", "en": "No to sanctions during COVID-19"},
        statement={"fa": "متن بیانیه", "en": "Statement text", "es": "Texto"}, issued_on=dt.date(2020, 3, 20))


def _endorse(org, officer, statement, name, *, network=None, version=None, **extra):
    fields = {"on_behalf_of": "network", "network": Network.objects.get(slug=network)} if network else {
        "on_behalf_of": "organisation", "organisation": "Some organisation"}
    return advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name=name,
                                    endorsed_on=dt.date(2020, 3, 25), channel="email", version=version,
                                    **fields, **extra)


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_statement_keeps_several_languages_and_versions(officer_api, statement):
    response = _post(officer_api, f"{API}/advocacy/{statement.public_id}/versions",
                     {"text": {"fa": "متن دوم", "en": "Second text"}, "issued_on": "2020-04-01", "note": "wording"})
    assert response.status_code == 201 and response.json()["number"] == 2
    versions = officer_api.get(f"{API}/advocacy/{statement.public_id}").json()["versions"]
    assert [v["number"] for v in versions] == [1, 2] and versions[0]["text"]["es"] == "Texto"


def test_a_new_version_does_not_move_old_endorsements(org, officer, officer_api, statement):
    early = _endorse(org, officer, statement, "Early endorser")
    advocacy.add_version(org=org, actor=officer, campaign=statement, text={"en": "v2"}, issued_on=dt.date(2020, 4, 1))
    late = _endorse(org, officer, statement, "Late endorser")
    early.refresh_from_db()
    assert early.version.number == 1 and late.version.number == 2
    response = _post(officer_api, f"{API}/advocacy/{statement.public_id}/endorsements", {
        "version": 1, "endorser_name": "Signs the old text", "on_behalf_of": "organisation", "organisation": "Z",
        "endorsed_on": "2020-04-02", "channel": "letter"})
    assert response.status_code == 201 and response.json()["version"] == 1


def test_counts_by_version_and_network(org, officer, officer_api, statement):
    _endorse(org, officer, statement, "INTA president", network="inta")
    _endorse(org, officer, statement, "Metropolis", network="metropolis")
    v2 = advocacy.add_version(org=org, actor=officer, campaign=statement, text={"en": "v2"},
                              issued_on=dt.date(2020, 4, 1))
    verified = _endorse(org, officer, statement, "INTA board member", network="inta", version=v2)
    advocacy.set_verification(org=org, actor=officer, endorsement=verified, verification="verified")
    rejected = _endorse(org, officer, statement, "Impostor", network="inta", version=v2)
    advocacy.set_verification(org=org, actor=officer, endorsement=rejected, verification="rejected")
    _endorse(org, officer, statement, "A company")  # the current version (2); no network
    data = officer_api.get(f"{API}/advocacy/{statement.public_id}").json()
    assert data["counts_by_version"] == [{"version": 1, "count": 2, "verified": 0},
                                         {"version": 2, "count": 2, "verified": 1}]
    assert data["counts_by_network"] == [
        {"network": "inta", "label": "INTA", "count": 2, "verified": 1},
        {"network": "metropolis", "label": Network.objects.get(slug="metropolis").acronym or "metropolis",
         "count": 1, "verified": 0}]


@pytest.mark.parametrize("body, field", [
    ({"on_behalf_of": "network"}, "network"),
    ({"on_behalf_of": "network", "network": "no-such-network"}, "network"),
    ({"on_behalf_of": "city"}, "city"),
    ({"on_behalf_of": "city", "city_geonameid": 1}, "city_geonameid"),
    ({"on_behalf_of": "organisation"}, "organisation"),
    ({"on_behalf_of": "organisation", "organisation": "X", "version": 9}, "version"),
    ({"on_behalf_of": "organisation", "organisation": "X", "channel": "fax"}, "channel"),
    ({"on_behalf_of": "organisation", "organisation": "X", "endorser_name": ""}, "endorser_name"),
])
def test_endorsement_refuses_bad_input(officer_api, statement, body, field):
    payload = {"endorser_name": "N", "endorsed_on": "2020-03-25", "channel": "email", **body}
    response = _post(officer_api, f"{API}/advocacy/{statement.public_id}/endorsements", payload)
    assert response.status_code == 422 and field in response.json()["fields"], response.json()
    assert not Endorsement.objects.exists() and not AuditEntry.objects.filter(action="endorsement.recorded").exists()


def _letter(org, officer, cities):
    from hamdeli.correspondence import services as letters

    return letters.register_letter(org=org, actor=officer, direction="in", subject="INTA stands with Iran",
                                   sender_org="INTA", registered_on=dt.date(2020, 3, 29))


def test_endorsement_form_with_letter_and_register_link(officer, statement, org, cities):
    letter = _letter(org, officer, cities)
    letter_id = str(letter.public_id)
    response = client_for(officer).post(reverse("campaigns:advocacy_add_endorsement", args=[statement.public_id]), {
        "endorser_name": "President of INTA", "on_behalf_of": "network",
        "network": Network.objects.get(slug="inta").pk, "endorsed_on": "1399/01/10", "channel": "letter",
        "letter_file": pdf(), "letter_public_id": letter_id})
    assert response.status_code == 302
    e = Endorsement.objects.get()
    assert str(e.letter_public_id) == letter_id and e.letter_file and e.endorsed_on == dt.date(2020, 3, 29)
    served = client_for(officer).get(reverse("campaigns:endorsement_letter", args=[e.public_id]))
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    page = client_for(officer).get(reverse("campaigns:advocacy_detail", args=[statement.public_id])).content.decode()
    assert f"/letters/{letter_id}/" in page  # the endorsement links to its letter in the register


def test_an_endorsement_links_only_to_a_letter_of_its_own_register(officer_api, statement, other_org, outsider,
                                                                     cities):
    theirs = _letter(other_org, outsider, cities)
    for letter_id in (str(theirs.public_id), "3f2b7a1e-0c4d-4b8e-9a51-2d6f0e7c1a90"):
        response = _post(officer_api, f"{API}/advocacy/{statement.public_id}/endorsements", {
            "endorser_name": "N", "endorsed_on": "2020-03-25", "channel": "letter", "letter_public_id": letter_id,
            "on_behalf_of": "organisation", "organisation": "INTA"})
        assert response.status_code == 422 and "letter_public_id" in response.json()["fields"]
    assert not Endorsement.objects.exists()


def test_endorsement_form_refuses_a_fake_letter_and_writes_nothing(officer, statement):
    response = client_for(officer).post(reverse("campaigns:advocacy_add_endorsement", args=[statement.public_id]), {
        "endorser_name": "X", "on_behalf_of": "organisation", "organisation": "Y", "endorsed_on": "1399/01/10",
        "channel": "letter", "letter_file": fake_png("letter.pdf")})
    assert response.status_code == 422
    assert "letter_file" in response.context["endorsement_form"].errors
    assert not Endorsement.objects.exists()


def test_attach_letter_checks_the_content(officer_api, org, officer, statement):
    e = _endorse(org, officer, statement, "X")
    url = f"{API}/endorsements/{e.public_id}/letter"
    assert officer_api.post(url, {"file": fake_png()}).status_code == 422
    assert not Endorsement.objects.get(pk=e.pk).letter_file
    assert officer_api.post(url, {"file": pdf()}).json()["has_letter_file"] is True


def test_only_a_verified_endorsement_can_be_published(officer_api, org, officer, statement):
    e = _endorse(org, officer, statement, "X")
    response = _post(officer_api, f"{API}/endorsements/{e.public_id}/verification",
                     {"verification": "unverified", "published": True})
    assert response.status_code == 422 and "published" in response.json()["fields"]
    assert not Endorsement.objects.get(pk=e.pk).published


def test_an_endorsement_from_a_partner_city_counts_as_contact(org, officer, cities, statement):
    partners.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name="Mayor",
                             on_behalf_of="city", city=cities["barcelona"], endorsed_on=dt.date(2020, 3, 30),
                             channel="letter")
    assert Interaction.objects.filter(source="campaigns.endorsement", occurred_on=dt.date(2020, 3, 30)).count() == 1


def test_an_endorsement_dated_in_the_future_is_refused_and_leaves_no_file(org, officer, cities, statement,
                                                                          settings):
    from pathlib import Path

    from hamdeli.core.dates import today
    from hamdeli.core.errors import ValidationFailed

    partners.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    with pytest.raises(ValidationFailed) as refused:
        advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name="Mayor",
                                 on_behalf_of="city", city=cities["barcelona"], channel="letter",
                                 endorsed_on=today() + dt.timedelta(days=1), letter_file=pdf())
    assert "endorsed_on" in refused.value.fields
    assert not Endorsement.objects.exists() and not Interaction.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# --- the public page -----------------------------------------------------------------------------
def test_public_page_is_missing_until_the_org_publishes_it(statement):
    url = reverse("campaigns:statement_public", args=[statement.public_id])
    assert Client().get(url).status_code == 404


def test_public_page_shows_only_verified_and_published_endorsements(org, officer, statement):
    shown = _endorse(org, officer, statement, "Shown Endorser", network="inta")
    advocacy.set_verification(org=org, actor=officer, endorsement=shown, verification="verified", published=True)
    kept_back = _endorse(org, officer, statement, "Verified Not Published")
    advocacy.set_verification(org=org, actor=officer, endorsement=kept_back, verification="verified")
    _endorse(org, officer, statement, "Still Unverified")
    rejected = _endorse(org, officer, statement, "Rejected One")
    advocacy.set_verification(org=org, actor=officer, endorsement=rejected, verification="rejected")
    advocacy.update_advocacy(org=org, actor=officer, campaign=statement, published=True)
    html = Client().get(reverse("campaigns:statement_public", args=[statement.public_id])).content.decode()
    assert "Shown Endorser" in html and "متن بیانیه" in html
    for hidden in ("Verified Not Published", "Still Unverified", "Rejected One"):
        assert hidden not in html
    assert StatementVersion.objects.count() == 1


def test_publishing_the_page_from_the_settings_form(officer, statement):
    url = reverse("campaigns:advocacy_settings", args=[statement.public_id])
    assert client_for(officer).post(url, {"title_fa": "", "title_en": ""}).status_code == 422
    assert client_for(officer).post(url, {"title_fa": "نه به تحریم", "published": "on"}).status_code == 302
    assert Client().get(reverse("campaigns:statement_public", args=[statement.public_id])).status_code == 200


def test_version_form_refuses_empty_text(officer, statement):
    response = client_for(officer).post(reverse("campaigns:advocacy_add_version", args=[statement.public_id]),
                                        {"issued_on": "1399/01/15"})
    assert response.status_code == 422 and StatementVersion.objects.count() == 1


def test_create_advocacy_refuses_missing_statement(officer_api):
    response = _post(officer_api, f"{API}/advocacy", {"title": {"en": "T"}, "statement": {}, "issued_on": "2020-03-20"})
    assert response.status_code == 422 and "statement" in response.json()["fields"]
    assert not StatementVersion.objects.exists()
