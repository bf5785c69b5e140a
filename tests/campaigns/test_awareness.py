import datetime as dt

import pytest
from django.urls import reverse

from hamdeli.campaigns.models import Campaign, DesignFile, DesignSet, Placement
from hamdeli.campaigns.services import awareness
from hamdeli.core.models import AuditEntry
from tests.campaigns.helpers import fake_png, mp4, png, png_bytes
from tests.conftest import client_for

API = "/api/v1/campaigns"


@pytest.fixture
def design_set(org, officer, campaign):
    return awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح ۱"},
                                    formats=["billboard", "social_media"], ready_on=dt.date(2020, 2, 25))


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


# --- lifecycle -----------------------------------------------------------------------------------
def test_campaign_moves_planned_running_finished(officer_api, campaign):
    url = f"{API}/awareness/{campaign.public_id}/transitions"
    assert _post(officer_api, url, {"action": "start"}).json()["status"] == "running"
    assert _post(officer_api, url, {"action": "finish"}).json()["status"] == "finished"
    actions = set(AuditEntry.objects.filter(object_id=str(campaign.public_id)).values_list("action", flat=True))
    assert {"campaign.created", "campaign.start", "campaign.finish"} <= actions


@pytest.mark.parametrize("steps, refused", [([], "finish"), (["start"], "start"), (["start", "finish"], "start"),
                                            (["start", "finish"], "finish")])
def test_illegal_steps_are_refused_with_409(officer_api, campaign, steps, refused):
    url = f"{API}/awareness/{campaign.public_id}/transitions"
    for step in steps:
        assert _post(officer_api, url, {"action": step}).status_code == 200
    before = Campaign.objects.get(pk=campaign.pk).status
    response = _post(officer_api, url, {"action": refused})
    assert response.status_code == 409
    assert response.json()["error"] == "illegal_transition" and "action" in response.json()["fields"]
    assert Campaign.objects.get(pk=campaign.pk).status == before


def test_illegal_step_on_the_page_shows_the_reason(officer, campaign):
    response = client_for(officer).post(reverse("campaigns:transition", args=[campaign.public_id]),
                                        {"action": "finish"})
    assert response.status_code == 409
    assert Campaign.objects.get(pk=campaign.pk).status == "planned"


# --- bad input: 4xx with field errors, nothing written -------------------------------------------
@pytest.mark.parametrize("body, field", [
    ({"name": {"fa": "x"}, "starts_on": "2020-03-01", "ends_on": "2020-02-01"}, "ends_on"),
    ({"name": {}, "starts_on": "2020-03-01", "ends_on": "2020-04-01"}, "name"),
    ({"name": {"xx": "x"}, "starts_on": "2020-03-01", "ends_on": "2020-04-01"}, "name"),
    ({"name": {"fa": "x"}, "starts_on": "not a date", "ends_on": "2020-04-01"}, "starts_on"),
    ({"name": {"fa": "x"}, "starts_on": "2020-03-01", "ends_on": "2020-04-01", "owner": "outsider"}, "owner"),
])
def test_create_campaign_refuses_bad_input(officer_api, outsider, body, field):
    response = _post(officer_api, f"{API}/awareness", body)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not Campaign.objects.exists() and not AuditEntry.objects.filter(action="campaign.created").exists()


def test_create_campaign_with_an_owner_of_the_org(officer_api, owner):
    response = _post(officer_api, f"{API}/awareness", {"name": {"fa": "شست‌وشوی دست"}, "starts_on": "2020-03-01",
                                                       "ends_on": "2020-04-01", "owner": "owner"})
    assert response.status_code == 201 and response.json()["owner"] == "owner"


def test_campaign_form_refuses_bad_period_and_writes_nothing(officer):
    response = client_for(officer).post(reverse("campaigns:create"), {
        "name_fa": "کمپین", "starts_on": "1399/01/10", "ends_on": "1398/12/01"})
    assert response.status_code == 422
    assert "ends_on" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_campaign_form_shows_every_error_at_once(officer):
    response = client_for(officer).post(reverse("campaigns:create"), {"starts_on": "1399/01/10",
                                                                      "ends_on": "1398/12/01"})
    assert response.status_code == 422
    assert {"name", "ends_on"} <= set(response.context["form"].errors)


def test_campaign_form_takes_jalali_dates(officer):
    response = client_for(officer).post(reverse("campaigns:create"), {
        "name_fa": "کمپین", "starts_on": "۱۳۹۸/۱۲/۰۱", "ends_on": "1399/01/31"})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.starts_on, campaign.ends_on) == (dt.date(2020, 2, 20), dt.date(2020, 4, 19))


def test_update_refuses_end_before_start_and_keeps_the_row(officer_api, campaign):
    response = officer_api.patch(f"{API}/awareness/{campaign.public_id}", {"ends_on": "2019-01-01"},
                                 content_type="application/json")
    assert response.status_code == 422 and "ends_on" in response.json()["fields"]
    assert Campaign.objects.get(pk=campaign.pk).ends_on == dt.date(2020, 4, 19)


@pytest.mark.parametrize("body, field", [
    ({"title": {"fa": "x"}, "formats": [], "ready_on": "2020-03-01"}, "formats"),
    ({"title": {"fa": "x"}, "formats": ["radio"], "ready_on": "2020-03-01"}, "formats.0"),
    ({"title": {}, "formats": ["tv"], "ready_on": "2020-03-01"}, "title"),
])
def test_design_set_refuses_bad_input(officer_api, campaign, body, field):
    response = _post(officer_api, f"{API}/awareness/{campaign.public_id}/design-sets", body)
    assert response.status_code == 422 and field in response.json()["fields"]
    assert not DesignSet.objects.exists()


def test_design_set_form_needs_a_format(officer, campaign):
    response = client_for(officer).post(reverse("campaigns:add_design_set", args=[campaign.public_id]),
                                        {"title_fa": "طرح", "ready_on": "1398/12/10"})
    assert response.status_code == 422 and "formats" in response.context["set_form"].errors
    assert not DesignSet.objects.exists()


# --- files ---------------------------------------------------------------------------------------
def test_image_and_video_are_accepted_and_served_only_through_the_org(officer_api, officer, design_set, settings):
    url = f"{API}/design-sets/{design_set.public_id}/files"
    image = officer_api.post(url, {"file": png("poster.png")})
    video = officer_api.post(url, {"file": mp4()})
    assert image.status_code == 201 and image.json()["kind"] == "png"
    assert video.status_code == 201 and video.json()["content_type"] == "video/mp4"
    stored = DesignFile.objects.get(public_id=image.json()["id"])
    assert str(stored.public_id) in stored.file.name  # never the uploader's name on disk
    page = client_for(officer).get(reverse("campaigns:design_file", args=[stored.public_id]))
    assert page.status_code == 200 and b"".join(page.streaming_content) == png_bytes()


def test_a_script_named_png_is_refused_and_nothing_is_stored(officer_api, design_set, settings):
    response = officer_api.post(f"{API}/design-sets/{design_set.public_id}/files", {"file": fake_png()})
    assert response.status_code == 422 and "file" in response.json()["fields"]
    assert not DesignFile.objects.exists()
    media = settings.MEDIA_ROOT / "campaigns"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_too_large_file_is_refused(officer, design_set, settings):
    settings.UPLOAD_MAX_BYTES = 50
    response = client_for(officer).post(reverse("campaigns:upload_file", args=[design_set.public_id]),
                                        {"file": png()})
    assert response.status_code == 422
    assert not DesignFile.objects.exists()


# --- placements and totals -----------------------------------------------------------------------
@pytest.mark.parametrize("body, field", [
    ({"format": "tv", "location": "IRIB Isfahan", "starts_on": "2020-03-01", "count": 3}, "format"),
    ({"format": "billboard", "location": "Chaharbagh", "starts_on": "2020-03-01", "count": 0}, "count"),
    ({"format": "billboard", "location": "", "starts_on": "2020-03-01", "count": 4}, "location"),
    ({"format": "billboard", "location": "x", "starts_on": "2020-03-01", "ends_on": "2020-02-01", "count": 4},
     "ends_on"),
    ({"format": "billboard", "location": "x", "starts_on": "2020-03-01", "count": 4, "reach": -1}, "reach"),
    # the campaign runs 2020-02-20 to 2020-04-19: a placement starts within it
    ({"format": "billboard", "location": "x", "starts_on": "2011-03-21", "ends_on": "2011-03-22", "count": 4},
     "starts_on"),
    ({"format": "billboard", "location": "x", "starts_on": "2020-04-20", "count": 4}, "starts_on"),
])
def test_placement_refuses_bad_input(officer_api, design_set, body, field):
    response = _post(officer_api, f"{API}/design-sets/{design_set.public_id}/placements", body)
    assert response.status_code == 422 and field in response.json()["fields"]
    assert not Placement.objects.exists()


def test_totals_per_format_add_up_placements(officer_api, org, officer, campaign, design_set):
    url = f"{API}/design-sets/{design_set.public_id}/placements"
    _post(officer_api, url, {"format": "billboard", "location": "Chaharbagh", "starts_on": "2020-02-26", "count": 40})
    _post(officer_api, url, {"format": "billboard", "location": "Ring road", "starts_on": "2020-03-01", "count": 12})
    _post(officer_api, url, {"format": "social_media", "location": "Instagram", "starts_on": "2020-03-01",
                             "count": 1, "reach": 250000})
    totals = {t["format"]: t for t in officer_api.get(f"{API}/awareness/{campaign.public_id}").json()["format_totals"]}
    assert totals["billboard"].pop("label")  # translated
    assert totals["billboard"] == {"format": "billboard", "design_sets": 1, "placements": 2, "units": 52, "reach": 0}
    assert totals["social_media"]["reach"] == 250000 and totals["tv"]["design_sets"] == 0


def test_overview_shows_the_timeline_and_totals(officer, officer_api, campaign, design_set):
    page = client_for(officer).get(reverse("campaigns:overview"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "در خانه بمانیم" in html and 'class="tl-set"' in html and "۱۳۹۸" in html  # Jalali axis in fa
    lanes = officer_api.get(f"{API}/overview").json()["lanes"]
    assert lanes[0]["name"] and lanes[0]["design_sets"][0]["ready_on"] == "2020-02-25"


def test_dashboard_panel_lists_running_campaigns(officer, org, campaign):
    awareness.transition_campaign(org=org, actor=officer, campaign=campaign, action="start")
    html = client_for(officer).get(reverse("dashboard")).content.decode()
    assert 'id="campaigns-panel"' in html and "در خانه بمانیم" in html


def test_file_content_comes_through_the_api_with_its_checked_type(officer_api, org, officer, design_set):
    stored = awareness.add_design_file(org=org, actor=officer, design_set=design_set, upload=mp4())
    response = officer_api.get(f"{API}/design-files/{stored.public_id}/content")
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"


def test_a_failed_write_leaves_no_file_behind(org, officer, design_set, settings, monkeypatch):
    from hamdeli.core import audit

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        awareness.add_design_file(org=org, actor=officer, design_set=design_set, upload=png())
    assert not DesignFile.objects.exists()
    assert not any(p.is_file() for p in (settings.MEDIA_ROOT / "campaigns").rglob("*"))


def test_list_filters_by_status(officer_api, org, officer, campaign):
    other = awareness.create_campaign(org=org, actor=officer, name={"fa": "دوم"}, starts_on=dt.date(2020, 3, 1),
                                      ends_on=dt.date(2020, 3, 30))
    awareness.transition_campaign(org=org, actor=officer, campaign=other, action="start")
    running = officer_api.get(f"{API}/awareness", {"status": "running"}).json()["items"]
    assert [c["id"] for c in running] == [str(other.public_id)]
    assert officer_api.get(f"{API}/awareness", {"status": "paused"}).status_code == 422


def test_viewer_reads_the_campaign_but_gets_no_forms(viewer, campaign, design_set):
    html = client_for(viewer).get(reverse("campaigns:detail", args=[campaign.public_id])).content.decode()
    assert "طرح ۱" in html
    assert reverse("campaigns:add_design_set", args=[campaign.public_id]) not in html
    assert reverse("campaigns:upload_file", args=[design_set.public_id]) not in html
