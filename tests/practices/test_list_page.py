"""The practices page without search words: every practice the office may read, fifty a page, sorted by
the column clicked, narrowed by the search form's filters, which paging keeps."""

import datetime as dt

import pytest
from django.test import Client

from hamdeli.core.digits import to_persian_digits
from hamdeli.practices import services
from tests.list_pages import cells, heading, pager, persian_client, query, row_links
from tests.web.test_persian_digits import latin_digits

D = dt.date


@pytest.fixture
def practices(org, officer, cities):
    """55 practices started one a day from 1 January 2020; every fifth an earthquake's, in Florence, public."""
    made = []
    for i in range(55):
        quake = i % 5 == 0
        made.append(services.create_practice(
            org=org, actor=officer, embed=False, title={"fa": f"تجربهٔ {to_persian_digits(f'{i:02d}')}",
                                                       "en": f"Practice {i:02d}"},
            topics=["education"], started_on=D(2020, 1, 1) + dt.timedelta(i),
            crisis="earthquake" if quake else "covid19",
            city=cities["florence"] if quake else cities["isfahan"], visibility="public" if quake else "private"))
    return made


def test_the_practices_show_fifty_a_page_the_latest_started_first(practices, officer):
    client = persian_client(officer)
    page = client.get("/practices/").content.decode()
    assert row_links(page, "/practices/") == [str(p.public_id) for p in reversed(practices)][:50]
    assert "۱–۵۰ از ۵۵" in page and heading(page, "تاریخ آغاز")["aria_sort"] == "descending"
    second = client.get(pager(page)["next"]).content.decode()
    assert cells(second, "عنوان") == ["تجربهٔ ۰۴", "تجربهٔ ۰۳", "تجربهٔ ۰۲", "تجربهٔ ۰۱", "تجربهٔ ۰۰"]
    assert not latin_digits(page) and not latin_digits(second)


def test_the_headings_sort_by_title_city_and_crisis(practices, officer):
    client = persian_client(officer)
    page = client.get("/practices/").content.decode()
    by_title = client.get(heading(page, "عنوان")["url"]).content.decode()
    assert heading(by_title, "عنوان")["aria_sort"] == "ascending"
    assert cells(by_title, "عنوان")[:2] == ["تجربهٔ ۰۰", "تجربهٔ ۰۱"]
    english = persian_client(officer)
    english.cookies["hamdeli_language"] = "en"
    assert cells(english.get("/practices/", {"sort": "-title"}).content.decode(), "Title")[0] == "Practice 54"
    by_city = cells(client.get("/practices/", {"sort": "city"}).content.decode(), "شهر")
    assert by_city[:2] == ["اصفهان", "اصفهان"] and "فلورانس" in by_city  # ا before ف
    by_crisis = cells(client.get("/practices/", {"sort": "-crisis"}).content.decode(), "بحران")
    assert by_crisis[:11] == ["زلزله"] * 11  # declared after COVID-19


def test_the_filters_narrow_the_list_and_paging_and_sorting_keep_them(practices, officer):
    client = persian_client(officer)
    quakes = client.get("/practices/", {"crisis": "earthquake", "sort": "title"}).content.decode()
    assert "۱–۱۱ از ۱۱" in quakes and set(cells(quakes, "بحران")) == {"زلزله"}
    assert query(heading(quakes, "شهر")["url"]) == {"crisis": ["earthquake"], "sort": ["city"]}
    assert '<input type="hidden" name="sort" value="title">' in quakes  # a new search keeps the sort
    spring = client.get("/practices/", {"date_from": "۱۳۹۸/۱۰/۱۱", "date_to": "", "q": ""}).content.decode()
    assert "۱–۵۰ از ۵۵" in spring and query(pager(spring)["next"]) == {"date_from": ["۱۳۹۸/۱۰/۱۱"], "page": ["2"]}
    assert "برداشتن همهٔ شرط‌های پالایش" in spring
    assert "برداشتن همهٔ شرط‌های پالایش" not in client.get("/practices/", {"mode": "hybrid"}).content.decode()


def test_visitors_page_through_the_public_practices_only(practices, other_org, outsider):
    page = Client().get("/exchange/", {"sort": "started"}).content.decode()
    assert "۱–۱۱ از ۱۱" in page
    assert row_links(page, "/exchange/")[0] == str(practices[0].public_id)  # a public page links to public pages
    theirs = persian_client(outsider).get("/practices/").content.decode()
    assert "۱–۱۱ از ۱۱" in theirs  # another office reads only what is public
