"""Endorsements awaiting review are verified or rejected together, on the statement's page and over the
API: all of them in one transaction with an audit entry each, or, when one was reviewed meanwhile, none."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from hamdeli.campaigns.models import Endorsement
from hamdeli.campaigns.services import advocacy
from hamdeli.core.errors import Conflict
from hamdeli.core.models import AuditEntry
from hamdeli.core.tenancy import in_scope_of
from tests.conftest import client_for

API = "/api/v1/campaigns"


@pytest.fixture
def statement(org, officer):
    return advocacy.create_advocacy(org=org, actor=officer, title={"fa": "نه به تحریم", "en": "No to sanctions"},
                                    statement={"en": "Statement text"}, issued_on=dt.date(2020, 3, 20))


@pytest.fixture
def three(org, officer, statement):
    return [advocacy.add_endorsement(org=org, actor=officer, campaign=statement, endorser_name=name,
                                     on_behalf_of="organisation", organisation="Some organisation",
                                     endorsed_on=dt.date(2020, 3, 25), channel="email")
            for name in ("Alice Endorser", "Bahram Endorser", "Chen Endorser")]


def _states(endorsements) -> list[str]:
    return [Endorsement.objects.get(pk=e.pk).verification for e in endorsements]


def _reviews() -> int:
    return AuditEntry.objects.filter(action="endorsement.verification").count()


def _page_post(user, statement, endorsements, verification):
    return client_for(user).post(reverse("campaigns:endorsements_review", args=[statement.public_id]), {
        "endorsements": [str(e.public_id) for e in endorsements], "verification": verification}, follow=True)


def test_the_ticked_endorsements_are_verified_together_with_an_audit_entry_each(officer, statement, three):
    page = client_for(officer).get(reverse("campaigns:advocacy_detail", args=[statement.public_id])).content.decode()
    assert page.count('form="bulk-review" name="endorsements"') == 3
    response = _page_post(officer, statement, three[:2], "verified")
    assert response.status_code == 200 and response.redirect_chain[-1][1] == 302
    assert _states(three) == ["verified", "verified", "unverified"]
    entries = AuditEntry.objects.filter(action="endorsement.verification").order_by("seq")
    assert [(e.object_id, e.before["verification"], e.after["verification"]) for e in entries] == [
        (str(three[0].public_id), "unverified", "verified"), (str(three[1].public_id), "unverified", "verified")]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["۲ حمایت راستی‌آزمایی شد."]  # said after the write, in Persian digits
    html = response.content.decode()
    assert html.count('form="bulk-review" name="endorsements"') == 1  # only Chen still awaits review


def test_rejecting_several_at_once_over_the_api(officer_api, statement, three):
    response = officer_api.post(f"{API}/advocacy/{statement.public_id}/endorsements/review", {
        "endorsements": [str(three[2].public_id), str(three[0].public_id)], "verification": "rejected"},
        content_type="application/json")
    assert response.status_code == 200
    assert [(e["endorser_name"], e["verification"]) for e in response.json()] == [
        ("Chen Endorser", "rejected"), ("Alice Endorser", "rejected")]
    assert _states(three) == ["rejected", "unverified", "rejected"] and _reviews() == 2


def test_one_endorsement_reviewed_meanwhile_refuses_the_whole_batch(org, officer, owner, statement, three):
    # The officer's page still shows all three awaiting review; the owner verifies Bahram's meanwhile.
    advocacy.set_verification(org=org, actor=owner, endorsement=three[1], verification="verified")
    before = _reviews()
    response = _page_post(officer, statement, three, "rejected")
    assert response.status_code == 409
    assert _states(three) == ["unverified", "verified", "unverified"]  # nothing changed, not even Alice's
    assert _reviews() == before
    html = response.content.decode()
    assert "Bahram Endorser" in html.split('id="bulk-review"')[1].split("</form>")[0]  # named in the refusal
    assert f'value="{three[0].public_id}" id="review-{three[0].public_id}" checked' in html  # ticks kept


def test_the_api_refuses_the_whole_batch_with_409_naming_the_reviewed_one(org, officer, officer_api, statement,
                                                                             three):
    advocacy.set_verification(org=org, actor=officer, endorsement=three[2], verification="rejected")
    before = _reviews()
    response = officer_api.post(f"{API}/advocacy/{statement.public_id}/endorsements/review", {
        "endorsements": [str(e.public_id) for e in three], "verification": "verified"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and response.json()["error"] == "already_reviewed"
    assert "Chen Endorser" in response.json()["message"] and "nothing was changed" in response.json()["message"]
    assert _states(three) == ["unverified", "unverified", "rejected"] and _reviews() == before


def test_an_endorsement_of_another_statement_or_office_is_refused(org, officer, officer_api, outsider, other_org,
                                                                  statement, three):
    other = advocacy.create_advocacy(org=org, actor=officer, title={"en": "Other"}, statement={"en": "S"},
                                     issued_on=dt.date(2020, 3, 20))
    theirs = advocacy.add_endorsement(org=org, actor=officer, campaign=other, endorser_name="Elsewhere",
                                      on_behalf_of="organisation", organisation="X",
                                      endorsed_on=dt.date(2020, 3, 25), channel="email")
    url = f"{API}/advocacy/{statement.public_id}/endorsements/review"
    response = officer_api.post(url, {"endorsements": [str(three[0].public_id), str(theirs.public_id)],
                                      "verification": "verified"}, content_type="application/json")
    assert response.status_code == 422 and "endorsements" in response.json()["fields"]
    twice = officer_api.post(url, {"endorsements": [str(three[0].public_id)] * 2, "verification": "verified"},
                             content_type="application/json")
    assert twice.status_code == 422 and "endorsements" in twice.json()["fields"]
    assert _states([*three, theirs]) == ["unverified"] * 4
    page = _page_post(officer, statement, [three[0], theirs], "verified")
    assert page.status_code == 422 and _states(three) == ["unverified"] * 3
    assert _page_post(outsider, statement, three, "verified").status_code == 404


def test_nothing_ticked_is_a_clear_refusal(officer, statement, three):
    response = _page_post(officer, statement, [], "verified")
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode() and _states(three) == ["unverified"] * 3


def test_a_viewer_can_neither_review_nor_see_the_checkboxes(viewer, viewer_api, statement, three):
    page = client_for(viewer).get(reverse("campaigns:advocacy_detail", args=[statement.public_id])).content.decode()
    assert 'id="bulk-review"' not in page and 'name="endorsements"' not in page
    assert _page_post(viewer, statement, three, "verified").status_code == 403
    api = viewer_api.post(f"{API}/advocacy/{statement.public_id}/endorsements/review", {
        "endorsements": [str(three[0].public_id)], "verification": "verified"}, content_type="application/json")
    assert api.status_code == 403
    assert _states(three) == ["unverified"] * 3 and _reviews() == 0


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_batch_wins_whole_and_the_other_changes_nothing(org, officer, owner, statement,
                                                                                    three):
    """Officer verifies Alice and Bahram while the owner rejects Bahram and Chen, at the same moment: the
    batches overlap on Bahram, so exactly one goes through, whole, and the other is refused, whole."""
    barrier = threading.Barrier(2)
    outcomes = {}

    def review(who, actor, chosen, verification):
        try:
            barrier.wait()
            with in_scope_of(org):  # a thread starts with no tenant scope, as a worker would
                advocacy.review_endorsements(org=org, actor=actor, campaign=statement, endorsements=chosen,
                                             verification=verification)
            outcomes[who] = "done"
        except Conflict:
            outcomes[who] = "refused"
        except Exception as exc:  # pragma: no cover - reported below
            outcomes[who] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=("officer", officer, three[:2], "verified")),
               threading.Thread(target=review, args=("owner", owner, three[1:], "rejected"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["done", "refused"], outcomes
    expected = (["verified", "verified", "unverified"] if outcomes["officer"] == "done"
                else ["unverified", "rejected", "rejected"])
    assert _states(three) == expected and _reviews() == 2
