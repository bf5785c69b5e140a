"""Public pages work without signing in, show only public practices, and take questions for the owner."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from hamdeli.practices.models import CityQuestion

ASK_LIMIT = django_settings.RATE_LIMITS["ask"][0]

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(make_practice):
    return make_practice(title={"en": "Open streets for cycling"}, visibility="public", topics=["transport"])


@pytest.fixture
def private(make_practice):
    return make_practice(title={"en": "Internal cycling memo"}, visibility="private", topics=["transport"])


def test_public_list_and_search_without_login(public, private):
    client = Client()
    page = client.get("/exchange/").content.decode()
    assert "Open streets for cycling" in page and "Internal cycling memo" not in page
    found = client.get("/exchange/", {"q": "cycling"}).content.decode()
    assert "Open streets" in found and "Internal cycling memo" not in found


def test_public_detail_only_for_public_practices(public, private, make_practice):
    client = Client()
    assert client.get(f"/exchange/{public.public_id}/").status_code == 200
    assert client.get(f"/exchange/{private.public_id}/").status_code == 404
    partners_only = make_practice(visibility="partners")
    assert client.get(f"/exchange/{partners_only.public_id}/").status_code == 404


def _ask(client, practice, **extra):
    data = {"name": "Ana", "email": "ana@example.org", "message": "Which disinfectant did you use?", **extra}
    return client.post(f"/exchange/{practice.public_id}/ask/", data)


def test_asking_stores_a_message_for_the_owning_org(public, org, officer_client):
    response = _ask(Client(), public)
    assert response.status_code == 302
    question = CityQuestion.objects.get()
    assert question.org == org and question.practice == public
    inbox = officer_client.get("/practices/inbox/").content.decode()
    assert "Which disinfectant did you use?" in inbox


def test_other_orgs_do_not_see_our_questions(public, outsider):
    from tests.conftest import client_for

    _ask(Client(), public, message="private question text")
    assert "private question text" not in client_for(outsider).get("/practices/inbox/").content.decode()


def test_ask_is_rate_limited_per_address(public):
    client = Client()
    for _ in range(ASK_LIMIT):
        assert _ask(client, public).status_code == 302
    refused = _ask(client, public)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "پرسش‌های زیادی" in refused.content.decode()  # Persian unless the visitor chose otherwise
    assert CityQuestion.objects.count() == ASK_LIMIT


def test_ask_refuses_oversized_and_invalid_messages(public):
    client = Client()
    assert _ask(client, public, message="x" * 40_000).status_code == 413
    response = _ask(client, public, message="x" * 4001, email="not-an-email")
    assert response.status_code == 422
    assert CityQuestion.objects.count() == 0


def test_cannot_ask_about_a_private_practice(private):
    assert _ask(Client(), private).status_code == 404


def test_search_page_facets_are_labelled_links_that_narrow_the_search(client, settings, org, officer):
    from hamdeli.practices.evaluation import load_samples

    load_samples(org=org, actor=officer, visibility="public")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    page = client.get("/exchange/", {"q": "ماسک"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "اقلام بهداشتی و درمانی" in html  # a topic's label, not its code
    assert "۱۳۹۹" in html and "date_from=2020-03-20" in html  # Jalali year 1399, linked by its Gregorian bounds
    assert "country=CN" in html and "چین" in html
    # following the country facet leaves Chinese cities' practices only, with a chip that removes the filter
    narrowed = client.get("/exchange/", {"q": "ماسک", "country": "CN"}).content.decode()
    assert narrowed.count('class="card practice"') < html.count('class="card practice"')
    assert 'class="active-filters"' in narrowed and "?q=" in narrowed
    year = client.get("/exchange/", {"q": "ماسک", "date_from": "2020-03-20", "date_to": "2021-03-20"})
    assert year.status_code == 200 and 'aria-current="true"' in year.content.decode()


def test_filters_without_words_list_what_they_leave(client, make_practice):
    make_practice(title={"en": "Bike lanes"}, topics=["transport"], visibility="public")
    make_practice(title={"en": "Food parcels"}, topics=["social_support"], visibility="public")
    html = client.get("/exchange/", {"topic": "transport"}).content.decode()
    assert "Bike lanes" in html and "Food parcels" not in html


def test_a_mistyped_date_is_shown_and_the_rest_of_the_search_still_runs(client, make_practice):
    make_practice(title={"en": "Bike lanes"}, topics=["transport"], visibility="public")
    page = client.get("/exchange/", {"q": "bike", "mode": "keyword", "date_from": "yesterday"})
    html = page.content.decode()
    assert page.status_code == 200 and 'date_from_error" role="alert"' in html and "Bike lanes" in html


def test_search_page_pages_through_the_results(client, settings, make_practice):
    for n in range(25):
        make_practice(title={"en": f"Free face masks handed out at station {n}"}, topics=["health_supplies"],
                      visibility="public")
    make_practice(title={"en": "Bike lanes for the summer"}, topics=["transport"], visibility="public")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = client.get("/exchange/", {"q": "masks", "mode": "semantic"}).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first and "Results 1–20 of 25" in first
    second = client.get("/exchange/", {"q": "masks", "mode": "semantic", "page": "2"}).content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second and "Results 21–25 of 25" in second
    assert second.count('class="card practice"') == 5
    assert client.get("/exchange/", {"q": "masks", "page": "many"}).status_code == 200


def test_the_rate_limit_reads_the_address_through_trusted_proxies_only(public, settings):
    from hamdeli.core.clients import client_ip

    class Request:
        def __init__(self, remote, forwarded=None):
            self.META = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}

    settings.TRUSTED_PROXIES = 0
    assert client_ip(Request("10.0.0.2", "203.0.113.9")) == "10.0.0.2"  # the header proves nothing here
    settings.TRUSTED_PROXIES = 1
    # the left part is what the client claimed; the proxy appended what it saw
    assert client_ip(Request("10.0.0.2", "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(Request("10.0.0.2", "not-an-address")) is None
    assert client_ip(Request("", None)) is None
    # behind one proxy, two visitors are told apart; one of them reaches the limit, the other does not
    for _ in range(ASK_LIMIT):
        assert _ask(Client(HTTP_X_FORWARDED_FOR="203.0.113.9"), public).status_code == 302
    assert _ask(Client(HTTP_X_FORWARDED_FOR="203.0.113.9"), public).status_code == 429
    assert _ask(Client(HTTP_X_FORWARDED_FOR="198.51.100.7"), public).status_code == 302


@pytest.mark.parametrize("url", ["/", "/exchange/", "public-detail"])
def test_public_pages_introduce_hamdeli_name_the_offices_and_offer_sign_in_and_language(url, public, org):
    """A visitor meets an introduction, the office's name, the language switch and a sign-in link."""
    client = Client()
    if url == "public-detail":
        url = f"/exchange/{public.public_id}/"
    for lang, intro, other in (("fa", "همدلی", 'value="en"'), ("en", "Hamdeli", 'value="fa"')):
        client.cookies["hamdeli_language"] = lang
        page = client.get(url).content.decode()
        main = page.split("<main")[1].split("</main>")[0]
        assert str(org) in main, f"{url} {lang}: no office named"
        assert 'action="/language/"' in page and f'name="language" {other}' in page, f"{url} {lang}: no switch"
        assert 'href="/login/' in page, f"{url} {lang}: no sign-in link"
        if url == "/exchange/":
            assert '<section class="public-intro"' in main and 'href="/login/"' in main
        if url == "/":
            assert intro in main
