"""Partnerships are archived, never deleted: out of the list, the dashboard, the pickers, exports and the
sharing between partner offices; readable by their link with their history; restored by owners only."""

import datetime as dt

import pytest

from hamdeli.core.models import AuditEntry
from hamdeli.partners import selectors, services
from hamdeli.partners.models import Partnership
from tests.conftest import api_client_for, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org, officer, cities):
    kept = services.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    gone = services.create_partnership(org=org, actor=officer, city=cities["florence"], notes="gone-marker")
    return kept, gone


def test_an_archived_partnership_leaves_lists_exports_and_sharing(org, other_org, officer, owner, pair, cities):
    kept, gone = pair
    services.archive_partnership(org=org, actor=officer, partnership=gone)
    page = client_for(officer).get("/partners/").content.decode()
    assert str(kept.public_id) in page and str(gone.public_id) not in page
    export = client_for(officer).get("/partners/export/?format=csv").content.decode()
    assert "Barcelona" in export and "Florence" not in export
    assert list(selectors.partnerships(org=org)) == [kept]
    assert set(selectors.partner_cities(org).values_list("city_id", flat=True)) == {cities["barcelona"].pk}
    assert org.pk not in set(selectors.orgs_partnered_with(cities["florence"].pk).values_list("org_id", flat=True))
    assert all(n for _s, _l, n in selectors.counts_by_state(org=org) if _s == "proposed") and sum(
        n for _s, _l, n in selectors.counts_by_state(org=org)) == 1
    # the letter form does not offer it
    form = client_for(officer).get("/letters/new/").content.decode()
    assert str(gone.pk) not in [chunk.split('"')[0] for chunk in form.split('<option value="')[1:]]
    # the owners' filter shows the archived ones instead; the officer is not offered it
    archived = client_for(owner).get("/partners/?archived=on").content.decode()
    assert str(gone.public_id) in archived and str(kept.public_id) not in archived
    assert 'name="archived"' not in client_for(officer).get("/partners/").content.decode()


def test_its_page_stays_with_a_badge_and_owners_restore_it(org, officer, owner, outsider, pair):
    _kept, gone = pair
    assert client_for(officer).post(f"/partners/{gone.public_id}/archive/").status_code == 302
    page = client_for(officer).get(f"/partners/{gone.public_id}/").content.decode()
    assert "state-archived" in page and f"/partners/{gone.public_id}/restore/" not in page
    assert client_for(outsider).get(f"/partners/{gone.public_id}/").status_code == 404
    assert client_for(officer).post(f"/partners/{gone.public_id}/restore/").status_code == 403
    owner_page = client_for(owner).get(f"/partners/{gone.public_id}/").content.decode()
    assert f"/partners/{gone.public_id}/restore/" in owner_page
    assert client_for(owner).post(f"/partners/{gone.public_id}/restore/").status_code == 302
    assert not Partnership.objects.get(pk=gone.pk).archived
    assert list(AuditEntry.objects.filter(object_id=str(gone.public_id)).order_by("seq").values_list(
        "action", flat=True))[-2:] == ["partnership.archived", "partnership.restored"]


def test_a_new_partnership_with_the_city_of_an_archived_one_is_refused_clearly(org, officer, pair, cities):
    _kept, gone = pair
    services.archive_partnership(org=org, actor=officer, partnership=gone)
    api = api_client_for(officer, org)
    refused = api.post("/api/v1/partners/partnerships", {"city_geonameid": cities["florence"].pk},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 409 and "بایگانی" in refused.json()["message"]


def test_the_api_archives_and_owners_restore(org, other_org, officer, owner, outsider, pair):
    kept, gone = pair
    api, owner_api = api_client_for(officer, org), api_client_for(owner, org)
    done = api.post(f"/api/v1/partners/partnerships/{gone.public_id}/archive")
    assert done.status_code == 200 and done.json()["archived_at"]
    assert api.post(f"/api/v1/partners/partnerships/{gone.public_id}/archive").status_code == 409
    listed = [p["id"] for p in api.get("/api/v1/partners/partnerships").json()["items"]]
    assert listed == [str(kept.public_id)]
    assert api.get("/api/v1/partners/partnerships", {"archived": "true"}).status_code == 403
    assert [p["id"] for p in owner_api.get("/api/v1/partners/partnerships", {"archived": "true"}).json()[
        "items"]] == [str(gone.public_id)]
    assert api.post(f"/api/v1/partners/partnerships/{gone.public_id}/restore").status_code == 403
    assert api_client_for(outsider, other_org).post(
        f"/api/v1/partners/partnerships/{gone.public_id}/archive").status_code == 404
    back = owner_api.post(f"/api/v1/partners/partnerships/{gone.public_id}/restore")
    assert back.status_code == 200 and back.json()["archived_at"] is None


def test_an_archived_partner_leaves_the_calendar(org, officer, cities):
    from hamdeli.correspondence import calendar

    p = services.record_agreement(org=org, actor=officer, city=cities["xian"], state="active",
                                  signed_on=dt.date(2009, 3, 25))
    assert [x.pk for x in calendar.active_partners(org)] == [p.pk]
    services.archive_partnership(org=org, actor=officer, partnership=p)
    assert list(calendar.active_partners(org)) == []
    assert not [o for o in calendar.occurrences(org=org, start=dt.date(2020, 1, 1), end=dt.date(2020, 3, 31))
                if o.kind in ("lunar", "public_holiday", "anniversary")]
