"""The letters register as a page an office with thousands of letters can use: fifty a page, sorted by
the column clicked, filtered by what is in the URL (so a filtered page can be bookmarked, and paging
keeps the filters), in Persian digits; HTMX only swaps the results, and every link works without it."""

import datetime as dt

import pytest

from hamdeli.core.dates import format_date
from hamdeli.correspondence import services
from hamdeli.partners import services as partners_services
from tests.list_pages import cells, heading, pager, persian_client, query, row_links
from tests.web.test_persian_digits import latin_digits

D = dt.date


@pytest.fixture
def register(org, officer, cities):
    """63 letters: 60 outgoing to Xi'an from 1398/12 on (one a day), 3 incoming from Barcelona in 1399."""
    made = []
    for i in range(60):
        made.append(services.register_letter(org=org, actor=officer, direction="out", subject=f"Letter {i:02d}",
                                             recipient_city=cities["xian"],
                                             registered_on=D(2020, 3, 1) + dt.timedelta(i)))
    for i in range(3):
        made.append(services.register_letter(org=org, actor=officer, direction="in", subject=f"Reply {i}",
                                             sender_city=cities["barcelona"], registered_on=D(2020, 6, 1 + i)))
    return made


def test_the_register_shows_fifty_letters_a_page_newest_first_with_persian_numbers(register, officer):
    client = persian_client(officer)
    page = client.get("/letters/").content.decode()
    shown = row_links(page, "/letters/")
    newest_first = sorted(register, key=lambda x: (x.registry_year, x.registry_seq), reverse=True)
    assert shown == [str(x.public_id) for x in newest_first[:50]]
    assert "۱–۵۰ از ۶۳" in page
    assert heading(page, "شماره")["aria_sort"] == "descending"
    links = pager(page)
    assert set(links) == {"2", "next"} and query(links["next"]) == {"page": ["2"]}  # page 1 is this one
    assert 'aria-current="page"><span class="visually-hidden">صفحهٔ </span>۱</span>' in page
    second = client.get(links["next"]).content.decode()
    assert row_links(second, "/letters/") == [str(x.public_id) for x in newest_first[50:]]
    assert "۵۱–۶۳ از ۶۳" in second and "previous" in pager(second)
    assert not latin_digits(page) and not latin_digits(second)


def test_a_heading_sorts_by_its_column_and_a_second_click_reverses(register, officer):
    client = persian_client(officer)
    page = client.get("/letters/").content.decode()
    by_date = heading(page, "تاریخ ثبت")
    assert by_date["aria_sort"] is None and query(by_date["url"]) == {"sort": ["-registered"]}  # newest first
    newest = client.get(by_date["url"]).content.decode()
    assert heading(newest, "تاریخ ثبت")["aria_sort"] == "descending"
    assert cells(newest, "تاریخ ثبت")[0] == format_date(D(2020, 6, 3), "fa") == "۱۴ خرداد ۱۳۹۹"
    oldest_url = heading(newest, "تاریخ ثبت")["url"]
    assert query(oldest_url) == {"sort": ["registered"]}
    oldest = client.get(oldest_url).content.decode()
    assert heading(oldest, "تاریخ ثبت")["aria_sort"] == "ascending"
    assert cells(oldest, "تاریخ ثبت")[:2] == ["۱۱ اسفند ۱۳۹۸", "۱۲ اسفند ۱۳۹۸"]
    subjects = cells(client.get("/letters/", {"sort": "subject"}).content.decode(), "موضوع")
    assert subjects[:3] == ["Letter 00", "Letter 01", "Letter 02"]
    # The sort is carried by the filter form, so filtering keeps it.
    assert '<input type="hidden" name="sort" value="registered" form="letter-filters">' in oldest


def test_filters_narrow_the_register_and_paging_keeps_them(register, org, officer, cities):
    client = persian_client(officer)
    incoming = client.get("/letters/", {"direction": "in"}).content.decode()
    assert cells(incoming, "موضوع") == ["Reply 2", "Reply 1", "Reply 0"] and "۱–۳ از ۳" in incoming
    # The registry year (Jalali, offered in Persian digits) and a range of days registered.
    page = client.get("/letters/").content.decode()
    assert '<option value="1398">۱۳۹۸</option>' in page and '<option value="1399">۱۳۹۹</option>' in page
    year_1398 = client.get("/letters/", {"year": "1398"}).content.decode()  # up to 29 Esfand (19 March 2020)
    assert "۱–۱۹ از ۱۹" in year_1398
    days = client.get("/letters/", {"date_from": "۱۳۹۹/۰۱/۰۱", "date_to": "1399/01/10"}).content.decode()
    assert "۱–۱۰ از ۱۰" in days and 'value="۱۳۹۹/۰۱/۰۱"' in days  # the typed date stays in its box
    # A partner city: its letters, by correspondent or by partnership.
    assert 'value="3128760"' not in page  # Barcelona is not a partner yet: not offered
    partners_services.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    barcelona = client.get("/letters/", {"city": cities["barcelona"].pk}).content.decode()
    assert cells(barcelona, "موضوع") == ["Reply 2", "Reply 1", "Reply 0"]
    # Text and state, with paging: every page link and heading link keeps every filter.
    url = "/letters/?q=letter&state=draft&direction=out&sort=registered"
    first = client.get(url).content.decode()
    assert "۱–۵۰ از ۶۰" in first
    next_page = pager(first)["next"]
    assert query(next_page) == {"q": ["letter"], "state": ["draft"], "direction": ["out"], "sort": ["registered"],
                                "page": ["2"]}
    assert cells(client.get(next_page).content.decode(), "موضوع")[-1] == "Letter 59"
    assert query(heading(first, "وضعیت")["url"]) == {"q": ["letter"], "state": ["draft"], "direction": ["out"],
                                                      "sort": ["state"]}
    assert 'href="/letters/?sort=registered">' in first  # clear the filters, keep the sort


def test_htmx_swaps_only_the_results_and_the_page_works_without_it(register, officer):
    client = persian_client(officer)
    whole = client.get("/letters/", {"direction": "in"})
    part = client.get("/letters/", {"direction": "in"}, HTTP_HX_REQUEST="true")
    assert "<html" in whole.content.decode() and "<html" not in part.content.decode()
    assert 'id="letter-results"' in whole.content.decode() and "Reply 0" in part.content.decode()
    assert "HX-Request" in part["Vary"] and "HX-Request" in whole["Vary"]
    # htmx restoring a page the browser's history lost asks with HX-Request too: it needs the whole page.
    restore = client.get("/letters/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()
    page = whole.content.decode()
    # Without JavaScript: a GET form to the same page with a real submit button, and real links.
    assert 'method="get" action="/letters/"' in page and "<button>" in page
    assert 'hx-push-url="true"' in page


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "9999"}, {"page": "-1"}, {"sort": "registry_seq;--"},
                                    {"year": "abc"}, {"city": "1"}, {"state": "nope"}, {"date_from": "31/31/31"}])
def test_a_mangled_address_still_shows_a_page(register, officer, params):
    response = persian_client(officer).get("/letters/", params)
    assert response.status_code == 200
    page = response.content.decode()
    assert len(row_links(page, "/letters/")) in (13, 50)
    if set(params) & {"year", "city", "state", "date_from"}:
        assert "برخی از شرط‌های پالایش خوانده نشد" in page  # said, and the filter left out


def test_another_orgs_letters_are_not_counted_or_offered(register, other_org, outsider, cities):
    services.register_letter(org=other_org, actor=outsider, direction="out", subject="Their letter",
                             recipient_city=cities["isfahan"], registered_on=D(2019, 1, 1))
    page = persian_client(outsider).get("/letters/").content.decode()
    assert "۱–۱ از ۱" in page and "Letter 00" not in page and '<option value="1398">' not in page
