"""The partner list for an office with hundreds of partners: fifty a page, sorted by the column clicked
(names in the Persian alphabet's order), filtered by what is in the URL, paging that keeps the filters."""

import datetime as dt

import pytest

from hamdeli.core.digits import to_persian_digits
from hamdeli.core.listing import python_alphabetical
from hamdeli.partners import services
from hamdeli.places.models import City, Country
from tests.list_pages import cells, heading, pager, persian_client, query, row_links
from tests.web.test_persian_digits import latin_digits

D = dt.date
# Persian order: ب پ ت ق ک گ و ه ی; by code point پ, ک, گ and ی would come after و and ه, and ه before و.
PERSIAN_NAMES = ["یوکوهاما", "هامبورگ", "ونیز", "گنت", "کیف", "قاهره", "تبریز", "پکن", "بارسلون"]


def _city(i, fa, en, country="ZZ"):
    Country.objects.get_or_create(code=country, defaults={"name_en": f"Land {country}", "name_fa": f"سرزمین {country}"})
    return City.objects.create(geonameid=8_000_000 + i, name_en=en, name_fa=fa, country_id=country,
                               population=1000, search_key=en.lower())


@pytest.fixture
def partners(org, officer):
    """55 partners in Testland (ZZ) and Otherland (YY); the first nine with the names above."""
    made = []
    for i in range(55):
        fa = PERSIAN_NAMES[i] if i < len(PERSIAN_NAMES) else f"شهر {to_persian_digits(f'{i:02d}')}"
        made.append(services.create_partnership(org=org, actor=officer, city=_city(i, fa, f"Town {i:02d}",
                                                                                    "YY" if i % 5 == 0 else "ZZ")))
    return made


def test_fifty_partners_a_page_in_the_persian_alphabets_order(partners, officer):
    client = persian_client(officer)
    page = client.get("/partners/").content.decode()
    first = cells(page, "شهر")
    assert len(first) == 50 and "۱–۵۰ از ۵۵" in page
    assert heading(page, "شهر")["aria_sort"] == "ascending"
    assert heading(page, "سلامت رابطه")["url"] is None  # health is worked out per row: it does not sort
    second_page = client.get(pager(page)["next"]).content.decode()
    second = cells(second_page, "شهر")
    assert not latin_digits(page) and not latin_digits(second_page)
    names = first + second
    assert len(second) == 5 and len(set(names)) == 55
    assert [n for n in names if n in PERSIAN_NAMES] == ["بارسلون", "پکن", "تبریز", "قاهره", "کیف", "گنت", "ونیز",
                                                        "هامبورگ", "یوکوهاما"]
    assert names == sorted(names, key=python_alphabetical)
    reverse = client.get(heading(page, "شهر")["url"]).content.decode()
    assert heading(reverse, "شهر")["aria_sort"] == "descending" and cells(reverse, "شهر")[0] == "یوکوهاما"


def test_an_english_page_sorts_by_the_english_names(partners, officer):
    client = persian_client(officer)
    client.cookies["hamdeli_language"] = "en"
    page = client.get("/partners/", {"sort": "-city"}).content.decode()
    assert cells(page, "City")[:2] == ["Town 54", "Town 53"] and "1–50 of 55" in page


def test_sorting_by_state_follows_the_lifecycle_and_by_contact_the_latest_first(partners, org, officer):
    active = partners[20]
    for action, on in [("submit_bill", D(2019, 1, 1)), ("approve", D(2019, 2, 1)), ("sign", D(2019, 3, 1)),
                       ("activate", D(2019, 4, 1))]:
        active = services.transition_partnership(org=org, actor=officer, partnership=active, action=action, on=on)
    services.transition_partnership(org=org, actor=officer, partnership=partners[30], action="submit_bill",
                                    on=D(2019, 1, 1))
    services.record_interaction(org=org, actor=officer, partnership=partners[40], occurred_on=D(2020, 5, 1),
                                kind="call", summary="Call")
    services.record_interaction(org=org, actor=officer, partnership=partners[41], occurred_on=D(2021, 5, 1),
                                kind="call", summary="Call")
    client = persian_client(officer)
    by_state = client.get("/partners/", {"sort": "-state"}).content.decode()  # the latest stage first
    assert cells(by_state, "وضعیت")[:3] == ["فعال", "لایحه به شورا رفته", "پیشنهادشده"]
    page = client.get("/partners/").content.decode()
    contact = heading(page, "آخرین ارتباط")
    assert query(contact["url"]) == {"sort": ["-contact"]}
    latest = client.get(contact["url"]).content.decode()
    assert cells(latest, "آخرین ارتباط")[:3] == ["۱۱ اردیبهشت ۱۴۰۰", "۱۲ اردیبهشت ۱۳۹۹", "—"]


def test_filters_are_kept_in_the_url_and_in_every_link(partners, officer, cities):
    client = persian_client(officer)
    page = client.get("/partners/").content.decode()
    # Only the countries of the org's partners are offered.
    assert '<option value="YY">سرزمین YY</option>' in page and 'value="IN"' not in page
    otherland = client.get("/partners/", {"country": "YY", "sort": "-city"}).content.decode()
    assert "۱–۱۱ از ۱۱" in otherland
    assert query(heading(otherland, "کشور")["url"]) == {"country": ["YY"], "sort": ["country"]}
    assert '<input type="hidden" name="sort" value="-city" form="partner-filters">' in otherland
    proposed = client.get("/partners/", {"state": "proposed", "kind": "sister_city", "q": "town"}).content.decode()
    assert "۱–۵۰ از ۵۵" in proposed
    assert query(pager(proposed)["next"]) == {"state": ["proposed"], "kind": ["sister_city"], "q": ["town"],
                                              "page": ["2"]}
    assert "۱–۵۰ از ۵۵" not in client.get("/partners/", {"state": "active"}).content.decode()


def test_htmx_gets_the_results_and_a_mangled_address_a_page(partners, officer):
    client = persian_client(officer)
    part = client.get("/partners/", {"country": "YY"}, HTTP_HX_REQUEST="true")
    assert "<html" not in part.content.decode() and len(row_links(part.content.decode(), "/partners/")) == 11
    assert "HX-Request" in part["Vary"]
    for params in ({"page": "x"}, {"page": "0"}, {"sort": "--city"}, {"country": "QQ"}, {"health": "sick"}):
        response = client.get("/partners/", params)
        assert response.status_code == 200 and len(row_links(response.content.decode(), "/partners/")) in (5, 50)
