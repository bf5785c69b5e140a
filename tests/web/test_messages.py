"""A write through a page is confirmed on the next page; a view's own message is not doubled."""

import pytest

from tests.conftest import client_for


@pytest.mark.django_db
def test_a_page_write_is_confirmed_on_the_page_it_lands_on(org, officer):
    client = client_for(officer)
    client.post("/calendar/feed/new/")
    response = client.post("/calendar/feed/revoke/", follow=True)
    assert response.redirect_chain, "the write redirects"
    page = response.content.decode()
    assert page.count("تغییرات شما ذخیره شد.") == 1
    assert "alert-success" in page
    assert "تغییرات شما ذخیره شد." not in client.get("/calendar/").content.decode()  # shown once


@pytest.mark.django_db
def test_signing_in_and_switching_language_are_not_called_saving(org, officer):
    client = client_for(officer)
    response = client.post("/language/", {"language": "en", "next": "/dashboard/"}, follow=True)
    assert "saved" not in response.content.decode()
