import datetime as dt
import re

import pytest

from hamdeli.core.errors import Conflict, ValidationFailed
from hamdeli.core.models import AuditEntry
from hamdeli.correspondence import selectors, services
from hamdeli.correspondence.models import Letter
from hamdeli.partners import selectors as partners_selectors
from hamdeli.partners import services as partners_services
from hamdeli.partners.models import Interaction
from tests.conftest import client_for
from tests.correspondence.conftest import walk

D = dt.date


def test_numbers_follow_each_other_and_restart_each_jalali_year(outgoing):
    a = outgoing(registered_on=D(2020, 3, 18))  # 1398/12/28
    b = outgoing(registered_on=D(2020, 3, 19))
    c = outgoing(registered_on=D(2020, 3, 20))  # Nowruz 1399: a new year
    assert [a.registry_number, b.registry_number, c.registry_number] == ["1398/1", "1398/2", "1399/1"]


def test_numbers_are_per_organisation(outgoing, other_org, outsider, cities):
    outgoing()
    theirs = services.register_letter(org=other_org, actor=outsider, direction="out", subject="x",
                                      recipient_city=cities["isfahan"], registered_on=D(2020, 1, 26))
    assert theirs.registry_number == "1398/1"


def test_the_number_is_shown_in_persian_digits(outgoing, officer):
    letter = outgoing()
    page = client_for(officer).get(f"/letters/{letter.public_id}/").content.decode()
    assert "۱۳۹۸/۱" in page


def test_outgoing_workflow_is_dated_and_audited(outgoing, org, officer):
    letter = walk(outgoing(), org, officer, [("submit", D(2020, 1, 26)), ("sign", D(2020, 1, 26)),
                                             ("send", D(2020, 1, 27)), ("acknowledge", D(2020, 2, 3))])
    assert letter.state == "acknowledged" and letter.sent_on == D(2020, 1, 27) and letter.closed_on == D(2020, 2, 3)
    assert list(letter.events.values_list("to_state", "on")) == [
        ("draft", D(2020, 1, 26)), ("in_review", D(2020, 1, 26)), ("signed", D(2020, 1, 26)),
        ("sent", D(2020, 1, 27)), ("acknowledged", D(2020, 2, 3))]
    actions = set(AuditEntry.objects.filter(object_id=str(letter.public_id)).values_list("action", flat=True))
    assert {"letter.registered", "letter.submit", "letter.sign", "letter.send", "letter.acknowledge"} <= actions


@pytest.mark.parametrize("action", ["sign", "send", "acknowledge", "assign", "answer"])
def test_a_draft_cannot_skip_steps_or_take_incoming_steps(outgoing, org, officer, action):
    letter = outgoing()
    with pytest.raises(Conflict):
        services.transition_letter(org=org, actor=officer, letter=letter, action=action, on=D(2020, 1, 27),
                                   assignee="x")
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.state == "draft" and letter.events.count() == 1


def test_incoming_workflow_and_its_illegal_steps(org, officer, cities):
    letter = services.register_letter(org=org, actor=officer, direction="in", subject="Reply",
                                      sender_city=cities["xian"], registered_on=D(2020, 2, 10))
    assert letter.state == "received"
    with pytest.raises(Conflict):
        services.transition_letter(org=org, actor=officer, letter=letter, action="send", on=D(2020, 2, 11))
    with pytest.raises(ValidationFailed) as refused:
        services.transition_letter(org=org, actor=officer, letter=letter, action="assign", on=D(2020, 2, 11))
    assert "assignee" in refused.value.fields
    letter = walk(letter, org, officer, [("assign", D(2020, 2, 11)), ("answer", D(2020, 2, 20))])
    assert letter.state == "answered" and letter.assignee == "Protocol desk"
    with pytest.raises(Conflict):
        services.transition_letter(org=org, actor=officer, letter=letter, action="answer", on=D(2020, 2, 21))


def test_a_step_cannot_be_dated_before_the_previous_one(outgoing, org, officer):
    letter = outgoing()
    with pytest.raises(ValidationFailed):
        services.transition_letter(org=org, actor=officer, letter=letter, action="submit", on=D(2020, 1, 1))


def test_illegal_step_over_the_api_is_409_json(outgoing, officer_api):
    letter = outgoing()
    response = officer_api.post(f"/api/v1/correspondence/letters/{letter.public_id}/transitions",
                                {"action": "send", "on": "2020-01-27"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"] == "illegal_transition" and "action" in response.json()["fields"]


def test_illegal_step_on_the_page_re_renders_with_the_message(outgoing, officer):
    letter = outgoing()
    response = client_for(officer).post(f"/letters/{letter.public_id}/transition/",
                                        {"action": "send", "on": "1398/11/07"})
    assert response.status_code == 409
    assert "cannot take the step" in response.content.decode() or "role=\"alert\"" in response.content.decode()


def test_api_create_validates_and_writes_nothing_on_error(officer_api):
    response = officer_api.post("/api/v1/correspondence/letters", {"direction": "out", "subject": "x"},
                                content_type="application/json")
    assert response.status_code == 422 and "recipient_city" in response.json()["fields"]
    response = officer_api.post("/api/v1/correspondence/letters",
                                {"direction": "out", "subject": "x", "recipient_city_geonameid": 1},
                                content_type="application/json")
    assert response.status_code == 422 and "recipient_city_geonameid" in response.json()["fields"]
    assert not Letter.objects.exists()


def _campaign(org, officer):
    from hamdeli.campaigns.services.awareness import create_campaign

    return create_campaign(org=org, actor=officer, name={"fa": "در خانه بمانیم", "en": "Stay home"},
                           starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))


def test_api_create_and_read_back(officer_api, cities, xian_partner, org, officer):
    campaign = _campaign(org, officer)
    response = officer_api.post("/api/v1/correspondence/letters", {
        "direction": "out", "subject": "Spring Festival", "occasion": "greeting", "language": "zh",
        "recipient_city_geonameid": cities["xian"].pk, "recipient_name": "Mayor", "partnership":
        str(xian_partner.public_id), "related_kind": "campaign",
        "related_public_id": str(campaign.public_id), "registered_on": "2020-01-26"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    page = client_for(officer).get(f"/letters/{response.json()['id']}/").content.decode()
    assert f"/campaigns/{campaign.public_id}/" in page  # the letter links to the campaign it is about
    body = response.json()
    assert body["registry_number"] == "1398/1" and body["partnership"] == str(xian_partner.public_id)
    assert body["state"] == "draft" and body["related_kind"] == "campaign"


def test_a_letter_of_another_org_cannot_be_answered(outgoing, officer_api, other_org, outsider, cities):
    theirs = services.register_letter(org=other_org, actor=outsider, direction="in", subject="x",
                                      sender_city=cities["isfahan"])
    response = officer_api.post("/api/v1/correspondence/letters", {
        "direction": "out", "subject": "x", "recipient_org": "UN", "reply_to": str(theirs.public_id)},
        content_type="application/json")
    assert response.status_code == 422 and "reply_to" in response.json()["fields"]


def test_persian_search_ignores_arabic_letter_variants(outgoing, officer_api, org):
    outgoing(subject="تبریک سال نو", recipient_name="شهردار شیان")
    outgoing(subject="Other")
    assert [x.subject for x in selectors.letters(org=org, query="تبريك")] == ["تبریک سال نو"]  # Arabic yeh
    assert [x.subject for x in selectors.letters(org=org, query="شهردار")] == ["تبریک سال نو"]
    response = officer_api.get("/api/v1/correspondence/letters", {"q": "xi'an"})
    assert response.json()["count"] == 2  # the recipient's city is searchable too


def test_overdue_letters_show_until_answered(org, officer, cities):
    letter = services.register_letter(org=org, actor=officer, direction="in", subject="Request",
                                      sender_city=cities["xian"], answer_due_on=D(2020, 2, 1),
                                      registered_on=D(2020, 1, 20))
    assert list(selectors.overdue(org=org, as_of=D(2020, 2, 2))) == [letter]
    assert not selectors.overdue(org=org, as_of=D(2020, 1, 30)).exists()
    walk(letter, org, officer, [("answer", D(2020, 2, 5))])
    assert not selectors.overdue(org=org, as_of=D(2020, 2, 6)).exists()


def test_dashboard_lists_overdue_letters(org, officer, cities):
    services.register_letter(org=org, actor=officer, direction="in", subject="Unanswered request",
                             sender_city=cities["xian"], answer_due_on=D(2020, 2, 1), registered_on=D(2020, 1, 20))
    page = client_for(officer).get("/dashboard/").content.decode()
    assert "Unanswered request" in page


def test_sending_to_a_dimmed_partner_revives_it(org, officer, cities, outgoing):
    p = partners_services.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    for action, on in [("submit_bill", D(2008, 1, 1)), ("approve", D(2008, 3, 1)), ("sign", D(2008, 11, 6)),
                       ("activate", D(2008, 12, 6))]:
        p = partners_services.transition_partnership(org=org, actor=officer, partnership=p, action=action, on=on)
    partners_services.record_interaction(org=org, actor=officer, partnership=p, occurred_on=D(2014, 6, 3),
                                         kind="meeting", summary="workshop")
    as_of = D(2020, 4, 1)
    assert partners_selectors.health(partners_selectors.partnership(org=org, public_id=p.public_id),
                                     as_of=as_of).status == "dimmed"
    letter = outgoing(recipient_city=cities["barcelona"], registered_on=D(2020, 3, 22))
    assert not Interaction.objects.filter(source="letter").exists()  # a draft is not contact yet
    walk(letter, org, officer, [("submit", D(2020, 3, 22)), ("sign", D(2020, 3, 23)), ("send", D(2020, 3, 24))])
    fresh = partners_selectors.partnership(org=org, public_id=p.public_id)
    assert partners_selectors.health(fresh, as_of=as_of).status == "healthy"
    contact = Interaction.objects.get(source="letter")
    assert contact.source_ref == str(letter.public_id) and contact.occurred_on == D(2020, 3, 24)


def test_receiving_a_letter_counts_as_contact_once(org, officer, cities, xian_partner):
    letter = services.register_letter(org=org, actor=officer, direction="in", subject="Reply",
                                      sender_city=cities["xian"], received_on=D(2020, 2, 10))
    services.update_letter(org=org, actor=officer, letter=letter, subject="Reply from Xi'an")
    contacts = Interaction.objects.filter(partnership=xian_partner, source="letter")
    assert [(c.occurred_on, c.source_ref) for c in contacts] == [(D(2020, 2, 10), str(letter.public_id))]


def test_sending_a_reply_answers_the_incoming_letter(org, officer, cities, outgoing):
    incoming = services.register_letter(org=org, actor=officer, direction="in", subject="Request",
                                        sender_city=cities["xian"], registered_on=D(2020, 2, 10))
    reply = outgoing(subject="Answer", reply_to=incoming, registered_on=D(2020, 2, 11))
    walk(reply, org, officer, [("submit", D(2020, 2, 11)), ("sign", D(2020, 2, 12)), ("send", D(2020, 2, 13))])
    incoming = Letter.objects.get(pk=incoming.pk)
    assert incoming.state == "answered" and incoming.closed_on == D(2020, 2, 13)
    assert [x.subject for x in selectors.thread(reply)] == ["Request", "Answer"]


def test_page_form_errors_re_render_with_422(officer):
    client = client_for(officer)
    response = client.post("/letters/new/", {"direction": "out", "subject": "", "occasion": "greeting",
                                              "language": "fa"})
    assert response.status_code == 422
    response = client.post("/letters/new/", {"direction": "out", "subject": "x", "occasion": "greeting",
                                              "language": "fa"})
    assert response.status_code == 422 and not Letter.objects.exists()


def test_a_signed_letter_keeps_its_text_but_its_follow_up_can_change(outgoing, org, officer, officer_api):
    letter = walk(outgoing(body="original"), org, officer, [("submit", D(2020, 1, 26)), ("sign", D(2020, 1, 26))])
    url = f"/api/v1/correspondence/letters/{letter.public_id}"
    response = officer_api.patch(url, {"body": "rewritten"}, content_type="application/json")
    assert response.status_code == 409 and "body" in response.json()["fields"]
    assert Letter.objects.get(pk=letter.pk).body == "original"
    response = officer_api.patch(url, {"answer_due_on": "2020-02-20", "body": "original"},
                                 content_type="application/json")
    assert response.status_code == 200 and response.json()["answer_due_on"] == "2020-02-20"


def test_a_signed_letters_edit_page_shows_its_text_and_parties_as_fixed(outgoing, org, officer):
    letter = walk(outgoing(body="original"), org, officer, [("submit", D(2020, 1, 26)), ("sign", D(2020, 1, 26))])
    client = client_for(officer)
    html = client.get(f"/letters/{letter.public_id}/edit/").content.decode()
    for name in ("subject", "body", "language"):
        [box] = re.findall(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html)
        assert "disabled" in box, box
    assert 'name="answer_due_on"' in html and not re.search(r'<input[^>]*name="answer_due_on"[^>]*disabled', html)
    # a posted change to a fixed field is ignored, the follow-up date is kept
    response = client.post(f"/letters/{letter.public_id}/edit/", {"body": "rewritten", "answer_due_on": "2020-02-20"})
    assert response.status_code == 302
    kept = Letter.objects.get(pk=letter.pk)
    assert kept.body == "original" and kept.answer_due_on == D(2020, 2, 20)


def test_the_page_offers_only_the_steps_the_letter_can_take(org, officer, cities, outgoing):
    incoming = services.register_letter(org=org, actor=officer, direction="in", subject="x",
                                        sender_city=cities["xian"])
    html = client_for(officer).get(f"/letters/{incoming.public_id}/").content.decode()
    assert 'value="assign"' in html and 'value="answer"' in html and 'value="submit"' not in html
    html = client_for(officer).get(f"/letters/{outgoing().public_id}/").content.decode()
    assert 'value="submit"' in html and 'value="send"' not in html and 'id="id_assignee"' not in html
    # the step's date starts at today, as on the partnerships' step form
    [date_box] = re.findall(r'<input[^>]*name="on"[^>]*>', html)
    assert re.search(r'value="[^"]+"', date_box), date_box


def test_odd_language_or_date_is_a_422_not_a_500(officer_api):
    url = "/api/v1/correspondence/letters"
    response = officer_api.post(url, {"direction": "out", "subject": "x", "recipient_org": "UN", "language": "xx"},
                                content_type="application/json")
    assert response.status_code == 422 and "language" in response.json()["fields"]
    response = officer_api.post(url, {"direction": "out", "subject": "x", "recipient_org": "UN",
                                      "registered_on": "0001-01-01"}, content_type="application/json")
    assert response.status_code == 422 and "registered_on" in response.json()["fields"]
    assert not Letter.objects.exists()


def test_a_letter_links_only_to_a_pledge_or_campaign_of_its_own_office(officer_api, cities, other_org, outsider):
    theirs = _campaign(other_org, outsider)
    for linked in (theirs.public_id, "3f0b7f0e-8f39-4c35-9d4b-0c2d6c1f9a11"):
        response = officer_api.post("/api/v1/correspondence/letters", {
            "direction": "out", "subject": "x", "recipient_city_geonameid": cities["xian"].pk,
            "related_kind": "campaign", "related_public_id": str(linked)}, content_type="application/json")
        assert response.status_code == 422 and "related_public_id" in response.json()["fields"]
    assert not Letter.objects.exists()


def _persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_an_answer_cannot_be_due_before_the_letters_date(outgoing, org, officer, officer_api):
    """Over the API, on the pages and when signing dates the letter: 422 naming the field, nothing stored."""
    url = "/api/v1/correspondence/letters"
    before = AuditEntry.objects.count()
    response = officer_api.post(url, {"direction": "out", "subject": "x", "recipient_org": "UN",
                                      "letter_date": "2020-03-10", "answer_due_on": "2020-03-09"},
                                content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 422 and _persian(response.json()["fields"]["answer_due_on"])
    assert not Letter.objects.exists() and AuditEntry.objects.count() == before

    letter = outgoing(letter_date=D(2020, 3, 10), answer_due_on=D(2020, 3, 10))  # the same day is fine
    before = AuditEntry.objects.count()
    for body in ({"answer_due_on": "2020-03-09"}, {"letter_date": "2020-03-11"}):
        response = officer_api.patch(f"{url}/{letter.public_id}", body, content_type="application/json")
        assert response.status_code == 422 and "answer_due_on" in response.json()["fields"], body
    stored = Letter.objects.get(pk=letter.pk)
    assert (stored.letter_date, stored.answer_due_on) == (D(2020, 3, 10), D(2020, 3, 10))
    assert AuditEntry.objects.count() == before

    client = client_for(officer)
    form = {"direction": "out", "subject": "x", "occasion": "other", "language": "en", "recipient_org": "UN",
            "letter_date": "2020-03-10", "answer_due_on": "2020-03-01"}
    response = client.post("/letters/new/", form)
    assert response.status_code == 422 and "answer_due_on" in response.context["form"].errors
    response = client.post(f"/letters/{letter.public_id}/edit/", {**form, "answer_due_on": "2020-03-01"})
    assert response.status_code == 422 and "answer_due_on" in response.context["form"].errors
    assert Letter.objects.count() == 1 and Letter.objects.get(pk=letter.pk).answer_due_on == D(2020, 3, 10)

    # An undated draft gets its date when it is signed: a signature after the due date is refused.
    draft = walk(outgoing(answer_due_on=D(2020, 3, 1)), org, officer, [("submit", D(2020, 2, 20))])
    response = officer_api.post(f"{url}/{draft.public_id}/transitions", {"action": "sign", "on": "2020-03-05"},
                                content_type="application/json")
    assert response.status_code == 422 and "on" in response.json()["fields"]
    draft = Letter.objects.get(pk=draft.pk)
    assert draft.state == "in_review" and draft.letter_date is None
    assert walk(draft, org, officer, [("sign", D(2020, 2, 28))]).letter_date == D(2020, 2, 28)


def test_a_letter_dated_in_the_future_does_not_count_as_contact(org, officer, cities, xian_partner, officer_api):
    from hamdeli.core.dates import today

    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    before = (Letter.objects.count(), Interaction.objects.count(), AuditEntry.objects.count())
    response = officer_api.post("/api/v1/correspondence/letters", {
        "direction": "in", "subject": "From the future", "sender_city_geonameid": cities["xian"].pk,
        "received_on": tomorrow}, content_type="application/json")
    assert response.status_code == 422 and "received_on" in response.json()["fields"]
    assert before == (Letter.objects.count(), Interaction.objects.count(), AuditEntry.objects.count())
