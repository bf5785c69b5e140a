"""Forms keep what was typed when refused and say which field is wrong, on the field itself; a write
that goes through is confirmed on the page it lands on (spot checks on campaigns and partners)."""

import re

import pytest
from django.urls import reverse

from tests.conftest import client_for


def _field_error(page: str, name: str) -> str:
    """The error shown under field `name` (web/field.html: id_<name>_error, tied to the control)."""
    found = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    assert found, f"no error under {name}"
    control = re.search(rf'<(input|select|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
    assert f"id_{name}_error" in control and "is-invalid" in control, control  # read out with the field
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip()


@pytest.mark.django_db
def test_a_refused_campaign_keeps_what_was_typed_and_names_the_end_date(officer):
    client = client_for(officer)
    response = client.post(reverse("campaigns:create"), {
        "name_fa": "در خانه بمانیم", "goal": "کاهش رفت‌وآمد", "starts_on": "1399/01/10", "ends_on": "1398/12/01"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "alert-danger" in page
    assert _field_error(page, "ends_on")
    assert 'value="در خانه بمانیم"' in page and "کاهش رفت‌وآمد" in page
    assert re.search(r'name="starts_on"[^>]*value="1399/01/10"|value="1399/01/10"[^>]*name="starts_on"', page) \
        or "۱۳۹۹/۰۱/۱۰" in page
    response = client.post(reverse("campaigns:create"), {
        "name_fa": "در خانه بمانیم", "starts_on": "1398/12/01", "ends_on": "1399/01/31"}, follow=True)
    assert response.redirect_chain and "alert-success" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_partner_keeps_what_was_typed_and_names_the_city(officer, cities):
    client = client_for(officer)
    response = client.post(reverse("partners:create"), {
        "kind": "sister_city", "our_focal_person": "دفتر روابط بین‌الملل", "partner_focal_email": "not-an-email"})
    assert response.status_code == 422
    page = response.content.decode()
    assert _field_error(page, "city") and _field_error(page, "partner_focal_email")
    assert 'value="دفتر روابط بین‌الملل"' in page and 'value="not-an-email"' in page
    response = client.post(reverse("partners:create"), {"city": cities["xian"].pk, "kind": "sister_city"},
                           follow=True)
    assert response.redirect_chain, response.content.decode()[:500]
    assert "alert-success" in response.content.decode()
