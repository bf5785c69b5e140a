"""Owners manage the office's people: invite by email (a new person chooses a password from an emailed
link), choose role and stores, deactivate and reactivate — never delete; the last owner stays."""

import re

import pytest
from django.core import mail
from django.test import Client

from hamdeli.aid import services as aid
from hamdeli.core.models import AuditEntry, Membership
from tests.conftest import api_client_for, client_for


def _signs_in(username, password) -> bool:
    """Through the sign-in page, as a person would (the sign-in throttle needs the request)."""
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302


@pytest.fixture
def stores(org, officer):
    city = aid.create_party(org=org, actor=officer, name={"fa": "دانشگاه", "en": "University"}, kind="institution")
    return [aid.create_location(org=org, actor=officer, name={"fa": f"انبار {i}", "en": f"Store {i}"}, party=city)
            for i in (1, 2)]


def test_a_new_person_is_invited_and_chooses_a_password_from_the_emailed_link(org, owner):
    client = client_for(owner)
    response = client.post("/people/invite/", {"email": "Sara@Example.org", "role": "officer"})
    assert response.status_code == 302
    membership = Membership.objects.get(org=org, user__username="sara@example.org")
    assert membership.role == "officer" and not membership.user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["sara@example.org"]
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    newcomer = Client()
    form = newcomer.get(link, follow=True)
    assert form.status_code == 200
    password = "a long Isfahan password 1399"
    chosen = newcomer.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                           {"new_password1": password, "new_password2": password})
    assert chosen.status_code == 302
    assert _signs_in("sara@example.org", password)
    assert AuditEntry.objects.filter(org=org, action="membership.invited", object_id="sara@example.org").exists()


def test_an_institution_member_is_given_exactly_the_chosen_stores(org, owner, stores):
    client = client_for(owner)
    refused = client.post("/people/invite/", {"email": "store@example.org", "role": "institution"})
    assert refused.status_code == 422 and not Membership.objects.filter(user__username="store@example.org").exists()
    client.post("/people/invite/", {"email": "store@example.org", "role": "institution",
                                    "stores": [str(stores[0].public_id)]})
    member = Membership.objects.get(org=org, user__username="store@example.org")
    assert list(member.aid_locations.values_list("location", flat=True)) == [stores[0].pk]
    prefix = f"m{member.pk}"
    client.post("/people/store@example.org/", {f"{prefix}-role": "institution",
                                               f"{prefix}-stores": [str(stores[1].public_id)]})
    assert list(member.aid_locations.values_list("location", flat=True)) == [stores[1].pk]
    client.post("/people/store@example.org/", {f"{prefix}-role": "viewer"})
    member.refresh_from_db()
    assert member.role == "viewer" and not member.aid_locations.exists()
    page = client.get("/people/").content.decode()
    assert "store@example.org" in page


def test_a_deactivated_person_can_no_longer_sign_in_or_use_a_token_but_stays_in_the_audit(org, owner, officer):
    api = api_client_for(officer, org)
    assert api.get("/api/v1/me").status_code == 200
    client = client_for(owner)
    assert client.post("/people/officer/deactivate/").status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert not _signs_in("officer", "pw-for-tests-only-123")
    assert api.get("/api/v1/me").status_code == 401
    assert Membership.objects.filter(org=org, user=officer).exists()  # never deleted
    assert AuditEntry.objects.filter(org=org, action="membership.deactivated", object_id="officer").exists()
    client.post("/people/officer/reactivate/")
    assert _signs_in("officer", "pw-for-tests-only-123")


def test_the_last_owner_stays_and_nobody_deactivates_themselves(org, owner):
    client = client_for(owner)
    prefix = f"m{owner.memberships.get(org=org).pk}"
    refused = client.post("/people/owner/", {f"{prefix}-role": "viewer"})
    assert refused.status_code == 409
    assert owner.memberships.get(org=org).role == "owner"
    assert client.post("/people/owner/deactivate/").status_code == 409
    owner.refresh_from_db()
    assert owner.is_active


def test_bad_invitations_are_refused_with_the_field_named(org, owner, officer):
    client = client_for(owner)
    assert client.post("/people/invite/", {"email": "not an address", "role": "officer"}).status_code == 422
    assert client.post("/people/invite/", {"email": "x@example.org", "role": "emperor"}).status_code == 422
    Membership.objects.filter(user=officer).update()
    officer.email = "officer@example.org"
    officer.save()
    again = client.post("/people/invite/", {"email": "officer@example.org", "role": "viewer"})
    assert again.status_code == 409 and not mail.outbox


def test_only_owners_and_only_their_own_people(org, other_org, owner, officer, outsider):
    assert client_for(officer).get("/people/").status_code == 403
    assert client_for(officer).post("/people/owner/deactivate/").status_code == 403
    # the other office's person is not ours to touch: 404
    assert client_for(owner).post("/people/outsider/deactivate/").status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active
