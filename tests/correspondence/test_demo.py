"""The demo's letters: the Chinese New Year exchange, the spring letters, Barcelona revived by them."""

import datetime as dt

from hamdeli.correspondence import calendar, selectors
from hamdeli.correspondence.models import Letter
from hamdeli.demo.loader import load_demo
from hamdeli.partners import selectors as partners
from hamdeli.partners.models import Interaction, Partnership


def test_demo_letters_tell_the_story(db):
    load_demo()
    isfahan = Letter.objects.filter(org__slug="isfahan")
    cny = isfahan.get(subject__startswith="Spring Festival greetings")
    assert (cny.state, cny.sent_on, cny.language) == ("acknowledged", dt.date(2020, 1, 27), "zh")
    assert "春节" in cny.body and cny.registry_number.startswith("1398/")
    # Names and places in the letter's language: the Chinese letter goes to 西安市市长 from 伊斯法罕市市长.
    assert (cny.recipient_title, cny.sender_title) == ("西安市市长", "伊斯法罕市市长")
    assert "西安" in cny.body and "Xi'an" not in cny.body
    reply = cny.replies.get()
    assert reply.direction == "in" and "many problems" in reply.body
    assert [x.pk for x in selectors.thread(cny)] == [cny.pk, reply.pk]

    spring = isfahan.filter(direction="out", sent_on=dt.date(2020, 3, 24))
    assert spring.count() == 13 and all(x.state == "sent" for x in spring)
    contacts = Interaction.objects.filter(org__slug="isfahan", kind="letter")
    assert set(contacts.values_list("source", flat=True)) == {"letter"}  # nothing counted twice
    assert contacts.filter(occurred_on=dt.date(2020, 3, 24)).count() == 13

    barcelona = Partnership.objects.get(org__slug="isfahan", city__name_en="Barcelona")
    periods = partners.dimmed_periods(barcelona)
    assert any(p.end == dt.date(2020, 3, 24) for p in periods), "the letter revived Barcelona"
    assert selectors.overdue(org=cny.org).filter(subject__startswith="INTA").exists()


def test_the_calendar_covers_every_demo_partner(db):
    load_demo()
    org = Letter.objects.filter(org__slug="isfahan").first().org
    start = dt.date.today()
    found = calendar.occurrences(org=org, start=start, end=start + dt.timedelta(days=365))
    partners_with_days = {o.partnership.pk for o in found if o.partnership is not None}
    assert set(calendar.active_partners(org).values_list("pk", flat=True)) <= partners_with_days


def test_the_pages_show_the_demo_letters_in_persian(db):
    from django.contrib.auth.models import User

    from tests.conftest import client_for

    load_demo()
    client = client_for(User.objects.get(username="isfahan_officer"))
    letters = client.get("/letters/").content.decode()
    assert "۱۳۹۸/۱" in letters and "Spring Festival greetings" in letters
    cny = Letter.objects.get(org__slug="isfahan", subject__startswith="Spring Festival greetings")
    detail = client.get(f"/letters/{cny.public_id}/").content.decode()
    assert "۷ بهمن ۱۳۹۸" in detail  # sent on 27 Jan 2020, in the Jalali calendar
    dashboard = client.get("/dashboard/").content.decode()
    assert "INTA stands with Iran" in dashboard  # overdue panel
    assert 'id="coming-occasions"' in dashboard
    calendar_page = client.get("/calendar/")
    assert calendar_page.status_code == 200 and "تقویم تشریفات" in calendar_page.content.decode()


def test_a_new_chinese_letter_to_xian_greets_its_mayor_by_the_partnerships_head(db):
    from django.contrib.auth.models import User

    from tests.conftest import client_for

    load_demo()
    xian = Partnership.objects.get(org__slug="isfahan", city_id=1790630)  # Xi'an
    assert xian.partner_head["zh"] == "西安市市长 王建华"  # illustrative, as the demo's other invented names
    client = client_for(User.objects.get(username="isfahan_officer"))
    html = client.get(f"/letters/new/?direction=out&occasion=greeting&partnership={xian.public_id}").content.decode()
    assert "尊敬的西安市市长 王建华：" in html and "西安人民" in html
