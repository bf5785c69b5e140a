"""Design sets, their files and placements can be changed and removed after creation, through the API and the
pages, until the campaign is finished; each change is one transaction with its audit entry."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from hamdeli.campaigns.models import DesignFile, DesignSet, Placement
from hamdeli.campaigns.services import awareness
from hamdeli.core.errors import Conflict
from hamdeli.core.models import AuditEntry
from tests.campaigns.helpers import png
from tests.conftest import client_for

API = "/api/v1/campaigns"


@pytest.fixture
def design_set(org, officer, campaign):
    return awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح ۱"},
                                    formats=["billboard", "social_media"], ready_on=dt.date(2020, 2, 25),
                                    notes="first draft")


@pytest.fixture
def design_file(org, officer, design_set):
    return awareness.add_design_file(org=org, actor=officer, design_set=design_set, upload=png("poster.png"))


@pytest.fixture
def placement(org, officer, design_set):
    return awareness.add_placement(org=org, actor=officer, design_set=design_set, format="billboard",
                                   location="Chaharbagh", starts_on=dt.date(2020, 2, 26), count=40)


@pytest.fixture
def finished(org, officer, campaign):
    for step in ("start", "finish"):
        awareness.transition_campaign(org=org, actor=officer, campaign=campaign, action=step)
    return campaign


def _patch(client, url, body, **extra):
    return client.patch(url, body, content_type="application/json", **extra)


def _entries(action):
    return list(AuditEntry.objects.filter(action=action))


def _stored(design_file) -> bool:
    return default_storage.exists(design_file.file.name)


# --- design sets ---------------------------------------------------------------------------------
def test_a_design_set_is_edited_and_the_change_audited(officer_api, officer, design_set):
    response = _patch(officer_api, f"{API}/design-sets/{design_set.public_id}", {
        "title": {"fa": "طرح ۱ (بازبینی)", "en": "Set 1, revised"}, "formats": ["tv", "billboard"],
        "ready_on": "2020-03-02", "notes": ""})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == {"fa": "طرح ۱ (بازبینی)", "en": "Set 1, revised"}
    assert body["formats"] == ["billboard", "tv"] and body["ready_on"] == "2020-03-02" and body["notes"] == ""
    stored = DesignSet.objects.get(pk=design_set.pk)
    assert stored.formats == ["billboard", "tv"] and stored.ready_on == dt.date(2020, 3, 2)
    [entry] = _entries("design_set.updated")
    assert entry.object_id == str(design_set.public_id) and entry.actor == officer
    assert entry.before["formats"] == ["billboard", "social_media"] and entry.after["formats"] == ["billboard", "tv"]


def test_a_partial_patch_changes_only_what_it_names(officer_api, design_set):
    response = _patch(officer_api, f"{API}/design-sets/{design_set.public_id}", {"notes": "final"})
    assert response.status_code == 200
    stored = DesignSet.objects.get(pk=design_set.pk)
    assert stored.notes == "final" and stored.title == {"fa": "طرح ۱"} and stored.formats == ["billboard",
                                                                                                "social_media"]


@pytest.mark.parametrize("body, field", [
    ({"formats": []}, "formats"),
    ({"formats": ["radio"]}, "formats.0"),
    ({"formats": None}, "formats"),
    ({"title": {}}, "title"),
    ({"title": None}, "title"),
    ({"title": {"xx": "?"}}, "title"),
    ({"ready_on": None}, "ready_on"),
    ({"ready_on": "soon"}, "ready_on"),
    ({"notes": "x" * 10001}, "notes"),
])
def test_a_bad_design_set_edit_is_refused_and_nothing_changes(officer_api, design_set, body, field):
    response = _patch(officer_api, f"{API}/design-sets/{design_set.public_id}", {"notes": "changed", **body})
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"error", "message", "fields", "request_id"} and field in response.json()["fields"]
    stored = DesignSet.objects.get(pk=design_set.pk)
    assert stored.notes == "first draft" and stored.title == {"fa": "طرح ۱"}
    assert not _entries("design_set.updated")


def test_a_format_in_use_by_a_placement_cannot_be_dropped(officer_api, design_set, placement):
    response = _patch(officer_api, f"{API}/design-sets/{design_set.public_id}", {"formats": ["social_media"]},
                      HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 422
    assert "«بیلبورد»" in response.json()["fields"]["formats"]
    assert DesignSet.objects.get(pk=design_set.pk).formats == ["billboard", "social_media"]
    # dropping a format no placement uses is fine
    assert _patch(officer_api, f"{API}/design-sets/{design_set.public_id}",
                  {"formats": ["billboard"]}).status_code == 200


def test_a_design_set_without_placements_is_removed_with_its_files(
        officer_api, officer, design_set, design_file, django_capture_on_commit_callbacks):
    assert _stored(design_file)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_api.delete(f"{API}/design-sets/{design_set.public_id}")
    assert response.status_code == 204
    assert not DesignSet.objects.filter(pk=design_set.pk).exists()
    assert not DesignFile.objects.filter(pk=design_file.pk).exists()
    assert not _stored(design_file)
    [entry] = _entries("design_set.removed")
    assert entry.actor == officer and entry.object_id == str(design_set.public_id)
    assert entry.before["title"] == {"fa": "طرح ۱"} and entry.before["files"][0]["original_name"] == "poster.png"


def test_a_design_set_with_placements_is_not_removed(officer_api, design_set, design_file, placement):
    response = officer_api.delete(f"{API}/design-sets/{design_set.public_id}", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "design_set_has_placements" and "۱" in body["message"] and "حذف" in body["message"]
    assert DesignSet.objects.filter(pk=design_set.pk).exists() and Placement.objects.filter(pk=placement.pk).exists()
    assert DesignFile.objects.filter(pk=design_file.pk).exists() and _stored(design_file)
    assert not _entries("design_set.removed")
    english = officer_api.delete(f"{API}/design-sets/{design_set.public_id}", HTTP_ACCEPT_LANGUAGE="en")
    assert "1 placement;" in english.json()["message"]


# --- files ---------------------------------------------------------------------------------------
def test_a_design_file_is_removed_and_its_stored_file_deleted(officer_api, officer, design_set, design_file,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_api.delete(f"{API}/design-files/{design_file.public_id}")
    assert response.status_code == 204
    assert not DesignFile.objects.filter(pk=design_file.pk).exists() and not _stored(design_file)
    assert DesignSet.objects.filter(pk=design_set.pk).exists()
    [entry] = _entries("design_file.removed")
    assert entry.before["design_set"] == str(design_set.public_id) and entry.before["file"] == design_file.file.name


def test_a_removal_that_fails_keeps_the_row_and_the_stored_file(org, officer, design_file, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    from hamdeli.core import audit

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        awareness.remove_design_file(org=org, actor=officer, design_file=design_file)
    assert not callbacks
    assert DesignFile.objects.filter(pk=design_file.pk).exists() and _stored(design_file)


# --- placements ----------------------------------------------------------------------------------
def test_a_placement_is_edited_and_the_totals_follow(officer_api, officer, campaign, placement):
    response = _patch(officer_api, f"{API}/placements/{placement.public_id}", {
        "format": "social_media", "location": "Instagram", "count": 1, "reach": 250000, "ends_on": "2020-03-20"})
    assert response.status_code == 200, response.content
    assert response.json()["location"] == "Instagram" and response.json()["ends_on"] == "2020-03-20"
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.format, stored.count, stored.reach, stored.starts_on) == (
        "social_media", 1, 250000, dt.date(2020, 2, 26))
    totals = {t["format"]: t for t in officer_api.get(f"{API}/awareness/{campaign.public_id}").json()["format_totals"]}
    assert totals["billboard"]["placements"] == 0 and totals["social_media"]["reach"] == 250000
    [entry] = _entries("placement.updated")
    assert entry.actor == officer and entry.before["count"] == 40 and entry.after["count"] == 1


def test_a_placement_end_and_reach_can_be_cleared(officer_api, org, officer, design_set):
    placement = awareness.add_placement(org=org, actor=officer, design_set=design_set, format="social_media",
                                        location="Telegram", starts_on=dt.date(2020, 3, 1),
                                        ends_on=dt.date(2020, 3, 9), count=1, reach=5000)
    response = _patch(officer_api, f"{API}/placements/{placement.public_id}", {"ends_on": None, "reach": None})
    assert response.status_code == 200
    stored = Placement.objects.get(pk=placement.pk)
    assert stored.ends_on is None and stored.reach is None


@pytest.mark.parametrize("body, field", [
    ({"format": "tv"}, "format"),
    ({"format": "radio"}, "format"),
    ({"count": 0}, "count"),
    ({"count": None}, "count"),
    ({"reach": -1}, "reach"),
    ({"location": ""}, "location"),
    ({"location": None}, "location"),
    ({"starts_on": None}, "starts_on"),
    ({"ends_on": "2020-01-01"}, "ends_on"),
    ({"starts_on": "2020-05-01"}, "ends_on"),  # after its existing end
])
def test_a_bad_placement_edit_is_refused_and_nothing_changes(officer_api, org, officer, design_set, body, field):
    placement = awareness.add_placement(org=org, actor=officer, design_set=design_set, format="billboard",
                                        location="Chaharbagh", starts_on=dt.date(2020, 2, 26),
                                        ends_on=dt.date(2020, 3, 26), count=40)
    response = _patch(officer_api, f"{API}/placements/{placement.public_id}", {"notes": "changed", **body})
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"error", "message", "fields", "request_id"} and field in response.json()["fields"]
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.notes, stored.count, stored.location, stored.format) == ("", 40, "Chaharbagh", "billboard")
    assert not _entries("placement.updated")


def test_a_placement_is_removed(officer_api, officer, design_set, placement):
    response = officer_api.delete(f"{API}/placements/{placement.public_id}")
    assert response.status_code == 204
    assert not Placement.objects.filter(pk=placement.pk).exists()
    [entry] = _entries("placement.removed")
    assert entry.actor == officer and entry.before["location"] == "Chaharbagh"
    # with its last placement gone, the design set can be removed
    assert officer_api.delete(f"{API}/design-sets/{design_set.public_id}").status_code == 204


# --- another organization, the viewer ------------------------------------------------------------
def test_another_orgs_design_set_file_and_placement_answer_404(outsider_api, outsider, design_set, design_file,
                                                               placement):
    calls = [
        _patch(outsider_api, f"{API}/design-sets/{design_set.public_id}", {"notes": "mine now"}),
        outsider_api.delete(f"{API}/design-sets/{design_set.public_id}"),
        outsider_api.delete(f"{API}/design-files/{design_file.public_id}"),
        _patch(outsider_api, f"{API}/placements/{placement.public_id}", {"count": 1}),
        outsider_api.delete(f"{API}/placements/{placement.public_id}"),
    ]
    page = client_for(outsider)
    calls += [page.get(reverse("campaigns:edit_design_set", args=[design_set.public_id])),
              page.post(reverse("campaigns:edit_placement", args=[placement.public_id]), {"count": "1"}),
              page.post(reverse("campaigns:remove_design_file", args=[design_file.public_id])),
              page.post(reverse("campaigns:remove_placement", args=[placement.public_id]))]
    assert [r.status_code for r in calls] == [404] * len(calls)
    assert DesignSet.objects.get(pk=design_set.pk).notes == "first draft"
    assert Placement.objects.get(pk=placement.pk).count == 40 and DesignFile.objects.filter(pk=design_file.pk).exists()
    assert not AuditEntry.objects.filter(action__endswith=(".updated")).exclude(action="campaign.updated").exists()
    assert not AuditEntry.objects.filter(action__endswith=".removed").exists()


def test_the_viewer_can_neither_edit_nor_remove(viewer, viewer_api, campaign, design_set, placement):
    assert _patch(viewer_api, f"{API}/placements/{placement.public_id}", {"count": 1}).status_code == 403
    assert viewer_api.delete(f"{API}/placements/{placement.public_id}").status_code == 403
    html = client_for(viewer).get(reverse("campaigns:detail", args=[campaign.public_id])).content.decode()
    assert reverse("campaigns:edit_design_set", args=[design_set.public_id]) not in html
    assert reverse("campaigns:remove_placement", args=[placement.public_id]) not in html
    assert Placement.objects.get(pk=placement.pk).count == 40


# --- the campaign's lifecycle --------------------------------------------------------------------
def test_a_finished_campaigns_material_is_its_record(officer_api, design_set, design_file, placement, finished):
    calls = [
        _patch(officer_api, f"{API}/design-sets/{design_set.public_id}", {"notes": "late"}),
        officer_api.delete(f"{API}/design-sets/{design_set.public_id}"),
        officer_api.delete(f"{API}/design-files/{design_file.public_id}"),
        _patch(officer_api, f"{API}/placements/{placement.public_id}", {"reach": 10}),
        officer_api.delete(f"{API}/placements/{placement.public_id}"),
        officer_api.post(f"{API}/awareness/{finished.public_id}/design-sets", {
            "title": {"fa": "طرح ۲"}, "formats": ["tv"], "ready_on": "2020-04-01"}, content_type="application/json"),
        officer_api.post(f"{API}/design-sets/{design_set.public_id}/placements", {
            "format": "billboard", "location": "Ring road", "starts_on": "2020-04-01", "count": 2},
            content_type="application/json"),
        officer_api.post(f"{API}/design-sets/{design_set.public_id}/files", {"file": png()}),
    ]
    assert [r.status_code for r in calls] == [409] * len(calls)
    assert {r.json()["error"] for r in calls} == {"campaign_finished"}
    assert DesignSet.objects.count() == 1 and Placement.objects.get(pk=placement.pk).reach is None
    assert DesignFile.objects.count() == 1 and _stored(design_file)
    fa = officer_api.delete(f"{API}/placements/{placement.public_id}", HTTP_ACCEPT_LANGUAGE="fa")
    assert "پایان یافته" in fa.json()["message"]


def test_running_campaigns_material_can_still_change(officer_api, org, officer, campaign, placement):
    awareness.transition_campaign(org=org, actor=officer, campaign=campaign, action="start")
    assert _patch(officer_api, f"{API}/placements/{placement.public_id}", {"reach": 10}).status_code == 200


def test_finishing_closes_the_pages_too(officer, design_set, placement, finished):
    client = client_for(officer)
    html = client.get(reverse("campaigns:detail", args=[finished.public_id])).content.decode()
    assert "پایان یافته است" in html
    assert reverse("campaigns:edit_placement", args=[placement.public_id]) not in html
    assert reverse("campaigns:add_design_set", args=[finished.public_id]) not in html
    response = client.post(reverse("campaigns:edit_placement", args=[placement.public_id]), {
        "format": "billboard", "location": "Elsewhere", "starts_on": "1398/12/07", "count": "3"})
    assert response.status_code == 409 and "پایان یافته" in response.content.decode()
    removal = client.post(reverse("campaigns:remove_placement", args=[placement.public_id]))
    assert removal.status_code == 409 and "پایان یافته" in removal.content.decode()
    assert Placement.objects.get(pk=placement.pk).location == "Chaharbagh"


def test_a_finished_campaign_is_checked_inside_the_transaction(org, officer, campaign, placement):
    """The service reads the campaign's state itself (under a lock), not from the possibly stale object given."""
    stale = Placement.objects.get(pk=placement.pk)
    for step in ("start", "finish"):
        awareness.transition_campaign(org=org, actor=officer, campaign=campaign, action=step)
    with pytest.raises(Conflict):
        awareness.remove_placement(org=org, actor=officer, placement=stale)
    assert Placement.objects.filter(pk=placement.pk).exists()


# --- pages ---------------------------------------------------------------------------------------
def test_the_detail_page_links_to_editing_each_set_file_and_placement(officer, campaign, design_set, design_file,
                                                                       placement):
    html = client_for(officer).get(reverse("campaigns:detail", args=[campaign.public_id])).content.decode()
    for name, obj in (("edit_design_set", design_set), ("remove_design_file", design_file),
                      ("edit_placement", placement), ("remove_placement", placement)):
        assert reverse(f"campaigns:{name}", args=[obj.public_id]) in html, name
    # a set with placements offers no removal, but says why
    assert reverse("campaigns:remove_design_set", args=[design_set.public_id]) not in html
    assert "نخست نصب‌ها و انتشارهای آن را حذف کنید" in html


def test_the_design_set_form_is_filled_and_saves_with_jalali_dates(officer, campaign, design_set):
    client = client_for(officer)
    url = reverse("campaigns:edit_design_set", args=[design_set.public_id])
    page = client.get(url)
    assert page.status_code == 200 and "طرح ۱" in page.content.decode()
    assert page.context["form"].initial["formats"] == ["billboard", "social_media"]
    response = client.post(url, {"title_fa": "طرح نو", "formats": ["print"], "ready_on": "۱۳۹۸/۱۲/۱۱"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#set-{design_set.public_id}")
    stored = DesignSet.objects.get(pk=design_set.pk)
    assert stored.title == {"fa": "طرح نو"} and stored.formats == ["print"] and stored.ready_on == dt.date(2020, 3, 1)
    assert _entries("design_set.updated")


def test_the_design_set_form_shows_errors_and_writes_nothing(officer, design_set, placement):
    client = client_for(officer)
    url = reverse("campaigns:edit_design_set", args=[design_set.public_id])
    missing = client.post(url, {"title_fa": "", "ready_on": "1398/13/40"})
    assert missing.status_code == 422 and {"title", "formats", "ready_on"} <= set(missing.context["form"].errors)
    in_use = client.post(url, {"title_fa": "طرح", "formats": ["tv"], "ready_on": "1398/12/10"})
    assert in_use.status_code == 422 and "formats" in in_use.context["form"].errors
    assert DesignSet.objects.get(pk=design_set.pk).formats == ["billboard", "social_media"]
    assert not _entries("design_set.updated")


def test_the_placement_form_edits_and_refuses(officer, placement):
    client = client_for(officer)
    url = reverse("campaigns:edit_placement", args=[placement.public_id])
    assert client.get(url).context["form"].initial["location"] == "Chaharbagh"
    bad = client.post(url, {"format": "tv", "location": "IRIB", "starts_on": "1398/12/07", "count": "3"})
    assert bad.status_code == 422 and "format" in bad.context["form"].errors
    ok = client.post(url, {"format": "billboard", "location": "Ring road", "starts_on": "1398/12/07",
                           "ends_on": "1399/01/15", "count": "12", "reach": ""})
    assert ok.status_code == 302
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.location, stored.count, stored.ends_on) == ("Ring road", 12, dt.date(2020, 4, 3))


def test_removal_asks_first_then_removes_on_post(officer, campaign, design_set, design_file,
                                                 django_capture_on_commit_callbacks):
    client = client_for(officer)
    url = reverse("campaigns:remove_design_set", args=[design_set.public_id])
    question = client.get(url)
    assert question.status_code == 200 and "طرح ۱" in question.content.decode()
    assert 'method="post"' in question.content.decode() and DesignSet.objects.filter(pk=design_set.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:detail",
                                                                           args=[campaign.public_id])
    assert not DesignSet.objects.filter(pk=design_set.pk).exists() and not _stored(design_file)


def test_removing_a_set_with_placements_on_the_page_says_why(officer, design_set, placement):
    response = client_for(officer).post(reverse("campaigns:remove_design_set", args=[design_set.public_id]))
    assert response.status_code == 409
    assert "نخست آن را حذف کنید" in response.content.decode()
    assert DesignSet.objects.filter(pk=design_set.pk).exists()


def test_pages_render_in_english(officer, design_set, placement, settings):
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("campaigns:remove_placement", args=[placement.public_id])).content.decode()
    assert "Remove the placement “Billboard, <bdi>Chaharbagh</bdi>”" in html  # the place is user text, isolated
