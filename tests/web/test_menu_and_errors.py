"""The menu offers only pages the role may open; refusals and missing pages are styled, translated pages."""

import re

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from hamdeli.core import services as core
from tests.conftest import client_for


def _menu(client, url="/aid/"):
    page = client.get(url).content.decode()
    nav = page.split('id="topnav"')[1].split("</nav>")[0]
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.django_db
def test_every_menu_link_opens_for_the_role_that_sees_it(org, owner, officer, logistics, viewer):
    store = core.ensure_member(org=org, username="store", role="institution", password="pw-for-tests-only-123").user
    for user in (owner, officer, logistics, viewer, store):
        client = client_for(user)
        links = _menu(client)
        assert links, user
        for link in links:
            assert client.get(link).status_code == 200, (user.username, link)


@pytest.mark.django_db
def test_a_viewer_is_not_offered_the_aid_writes_and_a_store_only_its_stock(org, viewer):
    viewer_links = _menu(client_for(viewer))
    assert "/aid/" in viewer_links and "/partners/" in viewer_links
    assert not {"/aid/intake/", "/aid/handover/", "/aid/distribute/"} & viewer_links
    store = core.ensure_member(org=org, username="store", role="institution", password="pw-for-tests-only-123").user
    client = client_for(store)
    store_links = _menu(client)
    assert "/aid/" in store_links and "/aid/intake/" in store_links
    assert not {"/dashboard/", "/partners/", "/letters/", "/aid/pledges/", "/aid/flow/"} & store_links
    assert "/account/tokens/" not in client.get("/aid/").content.decode()


@pytest.mark.django_db
def test_a_refused_page_is_a_styled_persian_page_with_a_way_back(org, viewer):
    store = core.ensure_member(org=org, username="store", role="institution", password="pw-for-tests-only-123").user
    response = client_for(store).get("/partners/")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'dir="rtl"' in page and "این صفحه برای نقش شما باز نیست" in page
    assert 'href="/"' in page and "bootstrap.rtl.min.css" in page
    response = client_for(viewer).get("/partners/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404 and "صفحه پیدا نشد" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_page_in_english_for_a_visitor_offers_sign_in(org):
    client = Client()
    client.cookies["hamdeli_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'dir="ltr"' in page and "Page not found" in page and 'href="/login/' in page


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_server_error_page_is_translated_and_never_raises(org):
    from django.contrib.auth.models import AnonymousUser

    from hamdeli.web.views import server_error

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("fa"):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "خطایی پیش آمد" in page and "bootstrap" in page
    broken = RequestFactory().get("/")  # no user: the full page cannot be made, the plain one still is
    assert server_error(broken).status_code == 500
