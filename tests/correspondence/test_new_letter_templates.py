"""The new-letter form offers the templates in the recipient's language and preselects the occasion's own
one (HTMX redraws the template region on each change); a template fills the letter in its language."""

import re

from hamdeli.correspondence import services
from hamdeli.correspondence.models import Letter
from hamdeli.places.models import City
from tests.conftest import client_for

REGION = "/letters/new/template/"


def _templates(org, officer):
    return {
        "generic": services.save_template(
            org=org, actor=officer, name="Generic greeting", occasion="greeting",
            subject={"fa": "تبریک به {city}", "en": "Greetings to {city}"},
            body={"fa": "جناب {official}، به مردم {city} درود می‌فرستیم.",
                  "en": "Dear {official},\nGreetings to {city}."}),
        "spring": services.save_template(
            org=org, actor=officer, name="Spring Festival greeting", occasion="greeting",
            subject={"zh": "致{city}的春节贺信", "en": "Spring Festival greetings to {city}"},
            body={"zh": "尊敬的{official}：\n谨向{city}人民致以新春的问候。",
                  "en": "Dear {official},\nHappy Spring Festival."}),
        "thanks": services.save_template(
            org=org, actor=officer, name="Thanks for the aid", occasion="thanks",
            subject={"fa": "سپاس", "en": "Thank you, {city}"},
            body={"fa": "سپاس از {city}", "en": "Thank you, {city}."}),
    }


def _options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select), re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def _region(client, trigger, **data):
    response = client.post(REGION, {"occasion": "other", "language": "fa", **data}, HTTP_HX_REQUEST="true",
                           HTTP_HX_TRIGGER_NAME=trigger)
    assert response.status_code == 200
    html = response.content.decode().replace("\u2068", "").replace("\u2069", "")  # as read: isolates unseen
    assert html.lstrip().startswith('<div id="letter-template"')  # the region only, for HTMX to swap
    return html


def test_choosing_a_chinese_recipient_offers_the_chinese_templates_and_the_occasions_own(org, officer, cities):
    t = _templates(org, officer)
    client = client_for(officer)
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    offered, chosen = _options(html, "template")
    assert offered == ["", str(t["spring"].pk)] and chosen == [str(t["spring"].pk)]  # zh templates alone
    assert _options(html, "language")[1] == ["zh"]
    assert "尊敬的{official}：" in html and "谨向西安人民致以新春的问候" in html  # 西安, not Xi'an
    # The recipient's name typed first is the salutation's.
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting",
                   recipient_name="李明远")
    assert "尊敬的李明远：" in html


def test_another_recipient_and_occasion_narrow_again_and_fill_again_while_untouched(org, officer, cities):
    t = _templates(org, officer)
    client = client_for(officer)
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    subject = re.search(r'name="subject"[^>]*value="([^"]*)"', html).group(1)
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1)
    filled = re.search(r'name="filled" value="([^"]*)"', html).group(1)
    # Isfahan's own city (Persian): the Persian greeting, since the user has not changed the Chinese text.
    html = _region(client, "recipient_city", recipient_city=cities["isfahan"].pk, occasion="greeting",
                   language="zh", template=t["spring"].pk, subject=subject, body=body.replace("&#x27;", "'"),
                   filled=filled)
    offered, chosen = _options(html, "template")
    assert set(offered) == {"", str(t["generic"].pk), str(t["thanks"].pk)} and chosen == [str(t["generic"].pk)]
    assert "به مردم اصفهان درود می‌فرستیم" in html and _options(html, "language")[1] == ["fa"]
    html = _region(client, "occasion", recipient_city=cities["isfahan"].pk, occasion="thanks", language="fa")
    assert _options(html, "template")[1] == [str(t["thanks"].pk)] and "سپاس از اصفهان" in html


def test_the_users_own_text_is_never_overwritten(org, officer, cities):
    _templates(org, officer)
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    html = _region(client, "occasion", recipient_city=cities["xian"].pk, occasion="greeting", language="zh",
                   subject="我的标题", body="我自己写的信")
    assert "我自己写的信" in html and "新春的问候" not in html
    assert "Your own subject and text are kept" in html


def test_a_spanish_recipient_without_spanish_templates_falls_back_visibly(org, officer, cities):
    t = _templates(org, officer)
    html = _region(client_for(officer), "recipient_city", recipient_city=cities["barcelona"].pk, occasion="thanks")
    offered, chosen = _options(html, "template")
    assert len(offered) == 4 and chosen == [str(t["thanks"].pk)]  # none in Spanish: all offered
    assert "«es»" in html and "«en»" in html and "Thank you, Barcelona." in html


def test_a_city_without_a_name_in_the_letters_language_says_so(org, officer, cities):
    _templates(org, officer)
    town = City.objects.create(geonameid=99000001, name_en="Yulin", name_fa="", country_id="CN")
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    html = _region(client, "recipient_city", recipient_city=town.pk, occasion="greeting")
    assert "谨向Yulin人民" in html  # the English name stands in, and the form says so
    assert "No name of Yulin in “zh” is known yet" in html
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    assert "No name of" not in html


def test_the_form_opened_for_an_occasion_preselects_its_template_and_saves_the_letter(org, officer, cities):
    t = _templates(org, officer)
    client = client_for(officer)
    opened = client.get(f"/letters/new/?direction=out&occasion=greeting&recipient_city={cities['xian'].pk}")
    html = opened.content.decode()
    assert _options(html, "template")[1] == [str(t["spring"].pk)] and "谨向西安人民" in html
    assert 'hx-post="/letters/new/template/"' in html and 'hx-target="#letter-template"' in html
    filled = re.search(r'name="filled" value="([^"]*)"', html).group(1)
    response = client.post("/letters/new/", {
        "direction": "out", "occasion": "greeting", "language": "zh", "recipient_city": cities["xian"].pk,
        "recipient_name": "李明远", "template": t["spring"].pk, "filled": filled,
        "subject": "致{city}的春节贺信", "body": "尊敬的{official}：\n谨向西安人民致以新春的问候。"})
    assert response.status_code == 302
    letter = Letter.objects.get(org=org)
    assert letter.subject == "致西安的春节贺信" and letter.body.startswith("尊敬的李明远：")


def test_the_template_region_is_for_editors_of_this_office_only(org, officer, viewer, outsider, cities):
    t = _templates(org, officer)
    assert client_for(viewer).post(REGION, {"template": t["spring"].pk}).status_code == 403
    html = client_for(outsider).post(REGION, {"template": t["spring"].pk}, HTTP_HX_TRIGGER_NAME="template")
    assert html.status_code == 200 and "Spring Festival" not in html.content.decode()  # not another office's
    assert client_for(officer).get(REGION).status_code == 405


def test_write_a_letter_from_the_calendar_opens_the_occasions_own_template(org, officer, cities, xian_partner):
    import datetime as dt

    from hamdeli.correspondence import calendar

    t = _templates(org, officer)
    spring = [r for r in calendar.reminders(org=org, as_of=dt.date(2019, 12, 28), lead_days=30)
              if r.occurrence.kind == "lunar"][0]
    assert spring.template == t["spring"]
    # The calendar row's link (correspondence/_reminder_row.html) for Xi'an:
    url = (f"/letters/new/?direction=out&occasion={spring.occurrence.occasion}&recipient_city={cities['xian'].pk}"
           f"&partnership={xian_partner.public_id}&template={spring.template.public_id}")
    html = client_for(officer).get(url).content.decode()
    assert _options(html, "template")[1] == [str(t["spring"].pk)] and _options(html, "language")[1] == ["zh"]
    assert "谨向西安人民致以新春的问候" in html and "致西安的春节贺信" in html


def _head(org, officer, partnership, head):
    from hamdeli.partners import services as partners_services

    return partners_services.update_partnership(org=org, actor=officer, partnership=partnership, partner_head=head)


def test_the_partners_head_is_the_salutation_in_the_letters_language_until_a_recipient_is_typed(
        org, officer, cities, xian_partner):
    t = _templates(org, officer)
    _head(org, officer, xian_partner, {"zh": "西安市市长 王建华", "en": "Mayor of Xi'an Wang Jianhua",
                                       "fa": "جناب آقای وانگ جیان‌هوا، شهردار شی‌آن"})
    client = client_for(officer)
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    assert "尊敬的西安市市长 王建华：" in html and "谨向西安人民" in html
    assert "not written in" not in html
    # Opened from the partnership (a calendar row, the partner's page): the same, in Chinese
    opened = client.get(f"/letters/new/?direction=out&occasion=greeting&partnership={xian_partner.public_id}")
    assert "尊敬的西安市市长 王建华：" in opened.content.decode()
    # In English (the user chose the letter's language), the English form of the head
    html = _region(client, "language", recipient_city=cities["xian"].pk, occasion="greeting", language="en",
                   template=t["spring"].pk)
    assert "Dear Mayor of Xi&#x27;an Wang Jianhua," in html
    # A recipient typed is the salutation's, as before
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting",
                   recipient_name="李明远")
    assert "尊敬的李明远：" in html and "王建华" not in html


def test_a_head_not_written_in_the_letters_language_stands_in_visibly(org, officer, cities, xian_partner):
    _templates(org, officer)
    _head(org, officer, xian_partner, {"en": "Mayor of Xi'an Wang Jianhua"})
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    assert "尊敬的Mayor of Xi&#x27;an Wang Jianhua：" in html
    assert "The partner's head is not written in “Chinese” yet: the English form stands in the text." in html
    client.cookies["hamdeli_language"] = "fa"
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    assert "نام و عنوان رئیس شهر طرف هنوز به «چینی» نوشته نشده است" in html


def test_another_offices_partner_head_is_never_used(org, officer, other_org, outsider, cities):
    from hamdeli.partners import services as partners_services

    _templates(org, officer)
    theirs = partners_services.create_partnership(org=other_org, actor=outsider, city=cities["barcelona"])
    _head(other_org, outsider, theirs, {"en": "Mayor of Barcelona Secret"})
    html = _region(client_for(officer), "recipient_city", recipient_city=cities["barcelona"].pk, occasion="thanks")
    assert "Secret" not in html
    html = _region(client_for(officer), "partnership", partnership=theirs.public_id, occasion="greeting")
    assert "Secret" not in html


def _body(html):
    return re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1)


def _filled(html):
    return re.search(r'name="filled" value="([^"]*)"', html).group(1)


def test_the_partnership_chosen_in_the_form_names_the_head_and_the_city(org, officer, cities, xian_partner):
    """The form's select posts the partnership's primary key (not its public id, as a link does): the head
    fills {official}, the partnership's city fills {city} and is shown as the recipient's city (HTMX oob)."""
    services.save_template(org=org, actor=officer, name="Thanks", occasion="thanks",
                           subject={"fa": "سپاس", "zh": "感谢信"},
                           body={"fa": "{official} محترم، از مردم {city} سپاسگزاریم.",
                                 "zh": "尊敬的{official}：感谢{city}。"})
    _head(org, officer, xian_partner, {"zh": "西安市市长 王建华", "fa": "شهردار محترم شیان"})
    client = client_for(officer)
    html = _region(client, "partnership", partnership=xian_partner.pk, occasion="thanks")
    assert "尊敬的西安市市长 王建华：感谢西安。" in _body(html) and _options(html, "language")[1] == ["zh"]
    oob = re.search(r'<select name="recipient_city"[^>]*hx-swap-oob="true"[^>]*>(.*?)</select>', html, re.S)
    assert oob and re.search(rf'<option value="{cities["xian"].pk}"[^>]*selected', oob.group(1))
    # The language chosen afterwards (Persian): the Persian text, every placeholder filled
    html = _region(client, "language", partnership=xian_partner.pk, recipient_city=cities["xian"].pk,
                   occasion="thanks", language="fa", subject="感谢信", body=_body(html), filled=_filled(html))
    assert "شهردار محترم شیان محترم، از مردم شیان سپاسگزاریم." in _body(html) and "{" not in _body(html)
    assert "hx-swap-oob" not in html  # the recipient's city was already chosen


def test_placeholders_left_in_the_text_are_named(org, officer, cities):
    _templates(org, officer)
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    html = _region(client, "occasion", occasion="greeting")
    assert "{official}" in _body(html) and "The text still holds {city} {official}" in html
    html = _region(client, "recipient_city", recipient_city=cities["isfahan"].pk, occasion="greeting",
                   recipient_name="Ali")
    assert "The text still holds" not in html


def test_no_template_for_the_occasion_in_the_language_says_so_and_clears_the_templates_text(
        org, officer, cities):
    t = _templates(org, officer)
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    # Chinese greeting filled, then the occasion becomes "thanks": no Chinese thanks template
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="greeting")
    assert "新春" in _body(html)
    html = _region(client, "occasion", recipient_city=cities["xian"].pk, occasion="thanks", language="zh",
                   template=t["spring"].pk, body=_body(html).replace("&#x27;", "'"), filled=_filled(html),
                   subject="致西安的春节贺信")
    assert _options(html, "template")[1] in ([], [""]) and _body(html).strip() == ""
    assert "There is no “Thanks” template in Chinese" in html
    # Persian thanks filled for Isfahan, then the recipient becomes Xi'an: the Persian text goes
    html = _region(client, "recipient_city", recipient_city=cities["isfahan"].pk, occasion="thanks")
    assert "سپاس از اصفهان" in _body(html)
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="thanks", language="fa",
                   template=t["thanks"].pk, subject="سپاس", body=_body(html), filled=_filled(html))
    assert _options(html, "language")[1] == ["zh"] and "سپاس" not in _body(html)
    assert "There is no “Thanks” template in Chinese" in html
    # Edited by the user: kept, and the form says so
    html = _region(client, "recipient_city", recipient_city=cities["xian"].pk, occasion="thanks", language="fa",
                   template=t["thanks"].pk, subject="سپاس", body="متن خودم", filled="0123456789abcdef")
    assert "متن خودم" in _body(html) and "Your own subject and text are kept" in html
