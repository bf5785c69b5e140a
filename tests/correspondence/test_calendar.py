import datetime as dt

import icalendar
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from hamdeli import cli
from hamdeli.correspondence import calendar, services
from tests.conftest import client_for

D = dt.date


def test_fixed_dates():
    assert calendar.lunar_new_year(2020) == D(2020, 1, 25)
    assert calendar.nowruz(1399) == D(2020, 3, 20)


def test_a_chinese_partner_gets_spring_festival_in_chinese_and_holidays(org, xian_partner):
    found = calendar.occurrences(org=org, start=D(2020, 1, 1), end=D(2020, 3, 31))
    lunar = [o for o in found if o.kind == "lunar"]
    assert [(o.on, o.local_title, o.local_language, o.estimated) for o in lunar] == [
        (D(2020, 1, 25), "春节", "zh", False)]
    public = {o.on: o for o in found if o.kind == "public_holiday"}
    assert public[D(2020, 1, 1)].local_title == "元旦"  # in the partner's language
    assert D(2020, 1, 25) not in public  # not listed twice
    ours = [o for o in found if o.kind == "our_occasion"]
    assert [(o.on, o.titles["fa"]) for o in ours] == [(D(2020, 3, 20), "نوروز")]


def test_islamic_holidays_ahead_are_marked_estimated(org, officer, cities):
    from hamdeli.places.models import City, Country

    Country.objects.get_or_create(code="IQ", defaults={"name_en": "Iraq", "name_fa": "عراق"})
    baghdad = City.objects.create(geonameid=98182, name_en="Baghdad", name_fa="بغداد", country_id="IQ")
    _active(org, officer, baghdad, D(2006, 4, 19))
    found = [o for o in calendar.occurrences(org=org, start=D(2027, 3, 1), end=D(2027, 3, 31))
             if o.kind == "public_holiday"]
    eid = [o for o in found if "Eid al-Fitr" in o.titles["en"]]
    assert eid and all(o.estimated for o in eid) and eid[0].local_language == "ar"
    assert "عيد الفطر" in eid[0].local_title


def test_subdivision_days_are_included(org, officer, cities):
    _active(org, officer, cities["barcelona"], D(2008, 11, 6))
    found = calendar.occurrences(org=org, start=D(2026, 9, 11), end=D(2026, 9, 11))
    assert [o.local_title for o in found if o.kind == "public_holiday"]  # La Diada, Catalonia only


def test_every_anniversary_year_is_shown_and_the_round_ones_are_marked(org, officer, cities):
    p = _active(org, officer, cities["barcelona"], D(2008, 11, 6))
    found = {o.on.year: o for o in calendar.occurrences(org=org, start=D(2009, 1, 1), end=D(2035, 12, 31))
             if o.kind == "anniversary" and o.partnership == p}
    assert set(found) == set(range(2009, 2036))
    assert {year for year, o in found.items() if o.round_anniversary} == {2013, 2018, 2023, 2028, 2033}
    assert found[2027].years == 19 and "19" in found[2027].titles["en"]


def test_international_days(org):
    nurses = calendar.occurrences(org=org, start=D(2020, 5, 12), end=D(2020, 5, 12))
    assert [(o.titles["en"], o.occasion) for o in nurses] == [("International Nurses' Day", "thanks")]


def test_reminders_suggest_the_occasion_and_template(org, officer, xian_partner):
    template = services.save_template(org=org, actor=officer, name="Greetings", occasion="greeting",
                                      subject={"en": "Greetings"}, body={"en": "Dear {official}"})
    found = calendar.reminders(org=org, as_of=D(2020, 1, 10), lead_days=21)
    spring = [r for r in found if r.occurrence.kind == "lunar"]
    assert spring[0].days_left == 15 and spring[0].template == template
    assert all(r.occurrence.on <= D(2020, 1, 31) for r in found)


def test_lead_time_setting_is_parsed_strictly(monkeypatch):
    import importlib

    import hamdeli.settings as module

    monkeypatch.setenv("HAMDELI_CALENDAR_LEAD_DAYS", "two weeks")
    with pytest.raises(ImproperlyConfigured, match="HAMDELI_CALENDAR_LEAD_DAYS"):
        importlib.reload(module)
    monkeypatch.setenv("HAMDELI_CALENDAR_LEAD_DAYS", "10")
    assert importlib.reload(module).CALENDAR_LEAD_DAYS == 10
    monkeypatch.delenv("HAMDELI_CALENDAR_LEAD_DAYS")
    importlib.reload(module)


def test_ics_feed_parses_and_a_revoked_token_is_404(org, officer, xian_partner, client):
    _feed, token = services.create_calendar_feed(org=org, actor=officer)
    response = client.get(f"/calendar/feed/{token}.ics?lang=en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = list(parsed.walk("VEVENT"))
    assert events and all(e.get("uid") and e.decoded("dtstart") for e in events)
    assert any(str(e.get("summary")).startswith("Nowruz") for e in events)
    assert client.get("/calendar/feed/wrong-token.ics").status_code == 404
    services.revoke_calendar_feeds(org=org, actor=officer)
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_the_feed_speaks_the_language_its_address_names_persian_first(org, officer, xian_partner, client):
    _feed, token = services.create_calendar_feed(org=org, actor=officer)
    persian = icalendar.Calendar.from_ical(client.get(f"/calendar/feed/{token}.ics").content)
    summaries = [str(e.get("summary")) for e in persian.walk("VEVENT")]
    assert any(s.startswith("نوروز") for s in summaries)
    lunar = [str(e.get("description")) for e in persian.walk("VEVENT") if "lunar" in str(e.get("categories").cats)]
    assert lunar and all("شیان" in d for d in lunar), lunar  # the partner named in Persian
    assert not any("Partners:" in str(e.get("description")) for e in persian.walk("VEVENT"))
    english = icalendar.Calendar.from_ical(client.get(f"/calendar/feed/{token}.ics?lang=en").content)
    assert any(str(e.get("summary")).startswith("Nowruz") for e in english.walk("VEVENT"))
    # an unknown language is the office's first one, not an error
    assert client.get(f"/calendar/feed/{token}.ics?lang=xx").status_code == 200


def test_a_new_token_replaces_the_old_one(org, officer, client):
    _feed, first = services.create_calendar_feed(org=org, actor=officer)
    _feed, second = services.create_calendar_feed(org=org, actor=officer)
    assert client.get(f"/calendar/feed/{first}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{second}.ics").status_code == 200


def test_the_feed_address_is_shown_once_on_the_page(officer):
    page = client_for(officer).post("/calendar/feed/new/").content.decode()
    assert "/calendar/feed/" in page and ".ics" in page
    assert ".ics" not in client_for(officer).get("/calendar/").content.decode()


def test_cli_lists_upcoming_occasions(org, xian_partner, capsys, monkeypatch):
    monkeypatch.setattr("hamdeli.core.dates.today", lambda: D(2020, 1, 10))
    monkeypatch.setattr("hamdeli.correspondence.calendar.today", lambda: D(2020, 1, 10))
    assert cli.main(["calendar", "upcoming", "--org", org.slug, "--days", "20"]) == 0
    out = capsys.readouterr().out
    assert "2020-01-25" in out and "春节" in out and "official" in out and "Xi" in out


def _active(org, officer, city, signed_on):
    from hamdeli.partners import services as partners

    p = partners.create_partnership(org=org, actor=officer, city=city)
    for action, on in [("submit_bill", signed_on - dt.timedelta(days=200)),
                       ("approve", signed_on - dt.timedelta(days=100)), ("sign", signed_on),
                       ("activate", signed_on + dt.timedelta(days=30))]:
        p = partners.transition_partnership(org=org, actor=officer, partnership=p, action=action, on=on)
    return p


def test_substitute_days_off_are_not_occasions(org, xian_partner):
    found = calendar.occurrences(org=org, start=D(2020, 1, 19), end=D(2020, 1, 24))
    assert not [o for o in found if "Day off" in o.titles["en"]]  # 2020-01-24 was a day off swapped for the 19th


def test_a_holiday_of_several_days_is_one_occasion(org, officer, cities):
    _active(org, officer, cities["guangzhou"], D(2017, 5, 20))
    found = calendar.occurrences(org=org, start=D(2020, 10, 1), end=D(2020, 10, 8))
    national = [o for o in found if o.kind == "public_holiday" and "National Day" in o.titles["en"]]
    assert [o.on for o in national] == [D(2020, 10, 1)]


def test_chinese_holidays_of_a_year_not_yet_decreed_are_estimated(org, xian_partner, monkeypatch):
    monkeypatch.setattr("hamdeli.correspondence.calendar.today", lambda: D(2020, 6, 1))
    this_year = calendar.occurrences(org=org, start=D(2020, 10, 1), end=D(2020, 10, 1))
    next_year = calendar.occurrences(org=org, start=D(2021, 9, 21), end=D(2021, 10, 1))
    # 1 October 2020 was National Day and the Mid-Autumn Festival: two occasions, both decreed
    assert {o.titles["en"]: o.estimated for o in this_year if o.kind == "public_holiday"} == {
        "National Day": False, "Mid-Autumn Festival": False}
    # next year's are computed, not decreed: the moving Mid-Autumn Festival is an estimate; National Day is
    # 1 October every year, decree or not
    assert {o.titles["en"]: o.estimated for o in next_year if o.kind == "public_holiday"} == {
        "Mid-Autumn Festival": True, "National Day": False}


def test_one_event_per_occasion_per_day_naming_every_partner(org, officer, cities, xian_partner):
    _active(org, officer, cities["barcelona"], D(2008, 11, 6))
    _active(org, officer, cities["florence"], D(1998, 6, 4))
    _active(org, officer, cities["guangzhou"], D(2017, 5, 20))
    _active(org, officer, cities["kuala_lumpur"], D(1997, 5, 12))
    christmas = [o for o in calendar.occurrences(org=org, start=D(2026, 12, 25), end=D(2026, 12, 25))
                 if o.kind == "public_holiday" and o.titles["en"] == "Christmas Day"]
    assert len(christmas) == 1
    assert {p.city.name_en for p in christmas[0].partnerships} >= {"Barcelona", "Florence"}
    spring = [o for o in calendar.occurrences(org=org, start=D(2027, 2, 6), end=D(2027, 2, 6))
              if "Lunar" in o.titles["en"] or "Chinese New Year" in o.titles["en"]]
    assert len(spring) == 1 and spring[0].kind == "lunar"
    assert {p.city.name_en for p in spring[0].partnerships} == {"Xi'an", "Guangzhou", "Kuala Lumpur"}
    with translation.override("fa"):
        assert christmas[0].title == "کریسمس"  # the page's language, from the committed translation
    with translation.override("en"):
        assert christmas[0].title == "Christmas Day"


def test_the_offices_own_occasions_are_its_countrys(org, other_org):
    isfahan = calendar.occurrences(org=org, start=D(2027, 1, 1), end=D(2027, 12, 31))
    xian = calendar.occurrences(org=other_org, start=D(2027, 1, 1), end=D(2027, 12, 31))
    assert [(o.on, o.key) for o in isfahan if o.kind == "our_occasion"] == [(D(2027, 3, 21), "nowruz")]
    assert [(o.on, o.key) for o in xian if o.kind == "our_occasion"] == [(D(2027, 2, 6), "lunar-new-year")]


def test_the_feed_names_each_events_partners_once_and_says_estimated_once(org, officer, cities, xian_partner):
    from hamdeli.places.models import City, Country

    Country.objects.get_or_create(code="IQ", defaults={"name_en": "Iraq", "name_fa": "عراق"})
    baghdad = City.objects.create(geonameid=98182, name_en="Baghdad", name_fa="بغداد", country_id="IQ")
    _active(org, officer, baghdad, D(2006, 4, 19))
    for key in ("barcelona", "florence", "guangzhou", "kuala_lumpur", "hyderabad"):
        _active(org, officer, cities[key], D(2010, 1, 15))
    feed = icalendar.Calendar.from_ical(calendar.ics(org=org, as_of=D(2026, 12, 1)))
    events = list(feed.walk("VEVENT"))
    summaries = [(str(e.get("summary")), e.decoded("dtstart")) for e in events]
    assert len(summaries) == len(set(summaries)), "the same event twice on one day"
    assert len({str(e.get("uid")) for e in events}) == len(events)
    partner_cities = {"Baghdad", "Barcelona", "Florence", "Guangzhou", "Kuala Lumpur", "Hyderabad", "Xi'an"}
    for event in events:
        summary, kind = str(event.get("summary")), str(event.get("categories").cats[0])
        assert summary.count("(estimated)") <= 1, summary
        if kind in ("public_holiday", "lunar", "anniversary"):
            assert any(city in summary for city in partner_cities), summary
    christmas = [s for s, on in summaries if on == D(2026, 12, 25) and s.startswith("Christmas Day")]
    assert len(christmas) == 1 and "Barcelona" in christmas[0] and "Florence" in christmas[0]
    spring = [s for s, on in summaries if on == D(2027, 2, 6)]
    assert len(spring) == 1 and all(c in spring[0] for c in ("Xi'an", "Guangzhou", "Kuala Lumpur"))
    assert any("(estimated)" in s and "Baghdad" in s for s, _on in summaries)


def test_an_occasion_links_its_own_template_when_there_is_one(org, officer, xian_partner):
    generic = services.save_template(org=org, actor=officer, name="Greetings", occasion="greeting",
                                     subject={"en": "Greetings"}, body={"en": "Dear {official}"})
    spring = services.save_template(org=org, actor=officer, name="Spring Festival greeting", occasion="greeting",
                                    subject={"en": "For the Spring Festival", "zh": "春节贺信"},
                                    body={"en": "Dear {official}"})
    found = calendar.reminders(org=org, as_of=D(2019, 12, 28), lead_days=30)
    by_kind = {r.occurrence.kind: r.template for r in found}
    assert by_kind["lunar"] == spring
    assert by_kind["public_holiday"] == generic  # New Year's Day has no template of its own


def test_a_second_parser_reads_the_same_feed(org, officer, cities, xian_partner):
    """vobject (a separate RFC 5545 implementation) reads every event icalendar reads, with the same
    UID, date and title: the feed is not valid only for the library that wrote it."""
    import vobject  # a test dependency (pyproject [test]): CI fails rather than skips without it

    for key in ("barcelona", "florence", "guangzhou"):
        _active(org, officer, cities[key], D(2010, 1, 15))
    raw = calendar.ics(org=org, as_of=D(2026, 12, 1))
    ours = {(str(e.get("uid")), e.decoded("dtstart"), str(e.get("summary")))
            for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}
    (parsed,) = list(vobject.readComponents(raw.decode()))
    theirs = {(e.uid.value, e.dtstart.value, e.summary.value) for e in parsed.vevent_list}
    assert ours and theirs == ours
    assert all(len(e.valarm_list) == 1 for e in parsed.vevent_list)


def test_two_holidays_on_one_day_are_two_occasions_each_listing_its_partners(org, officer, cities):
    """Italy's 1 November is All Saints' Day and National Unity Day (the package joins them with "; "):
    All Saints' Day is one event for Barcelona's and Florence's countries, National Unity Day Florence's."""
    from hamdeli.places.models import City, Country

    Country.objects.get_or_create(code="DE", defaults={"name_en": "Germany", "name_fa": "آلمان"})
    freiburg = City.objects.create(geonameid=2925177, name_en="Freiburg", name_fa="فرایبورگ", country_id="DE")
    _active(org, officer, cities["florence"], D(1998, 6, 4))
    _active(org, officer, freiburg, D(2000, 5, 10))  # Baden-Württemberg keeps All Saints' Day
    found = [o for o in calendar.occurrences(org=org, start=D(2026, 11, 1), end=D(2026, 11, 1))
             if o.kind == "public_holiday"]
    by_title = {o.titles["en"]: {p.city.name_en for p in o.partnerships} for o in found}
    assert by_title["All Saints' Day"] == {"Florence", "Freiburg"}
    assert by_title["National Unity Day"] == {"Florence"}
    assert not [title for title in by_title if ";" in title]


def test_a_partners_holidays_read_in_the_pages_language_from_the_package(other_org, cities):
    """The Xi'an office's partner Isfahan: the package has Iran's days in Persian, so the Persian page reads
    them from it (not only from the committed list); the English page in English."""
    from hamdeli.partners.models import Partnership

    Partnership.objects.create(org=other_org, city=cities["isfahan"], state="active", signed_on=D(1989, 4, 5))
    found = [o for o in calendar.occurrences(org=other_org, start=D(2027, 6, 1), end=D(2027, 6, 30))
             if o.kind == "public_holiday"]
    khomeini = next(o for o in found if "Khomeini" in o.titles["en"])
    assert "خمینی" in khomeini.titles["fa"] and khomeini.local_language == "fa"
    with translation.override("fa"):
        assert "خمینی" in khomeini.title
    with translation.override("en"):
        assert khomeini.title == khomeini.titles["en"]
    from hamdeli.correspondence import holiday_names

    assert holiday_names.persian(khomeini.titles["en"]) == ""  # it came from the package


def test_every_demo_partners_holiday_has_a_persian_name(org, officer, cities, xian_partner):
    for key in ("barcelona", "florence", "guangzhou", "kuala_lumpur", "hyderabad"):
        _active(org, officer, cities[key], D(2010, 1, 15))
    found = calendar.occurrences(org=org, start=D(2026, 1, 1), end=D(2027, 12, 31))
    assert not sorted({o.titles["en"] for o in found if "fa" not in o.titles})


def test_the_page_names_each_occasions_partners_and_marks_round_anniversaries(org, officer, cities, monkeypatch):
    """In Persian: Christmas once, naming Barcelona and Florence, in Persian; Barcelona's 18th and
    Florence's 30th (round, marked) anniversaries both on the page; "estimated" said once per row."""
    monkeypatch.setattr("hamdeli.correspondence.views_calendar.today", lambda: D(2026, 10, 1))
    monkeypatch.setattr("hamdeli.correspondence.calendar.today", lambda: D(2026, 10, 1))
    _active(org, officer, cities["barcelona"], D(2008, 11, 6))
    _active(org, officer, cities["florence"], D(1996, 12, 4))
    page = client_for(officer).get("/calendar/").content.decode()
    rows = page.split('class="calendar-list"')[1].split("<tr>")[2:]
    christmas = [row for row in rows if "کریسمس</bdi>" in row]
    assert len(christmas) == 1 and "بارسلون" in christmas[0] and "فلورانس" in christmas[0]
    anniversaries = [row for row in rows if "سالگرد" in row and "خواهرخواندگی" in row]
    assert len(anniversaries) == 2
    assert ["سالگرد شاخص" in row and "<strong>" in row for row in anniversaries] == [False, True]  # 18, then 30
    assert all(row.count("تخمینی") <= 1 for row in rows)
