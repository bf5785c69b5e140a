"""Demo step: the Chinese New Year letters between Isfahan and Xi'an, the spring 2020 letters to every
sister city (which revive Barcelona), letter templates, and INTA's reply still awaiting an answer.

The story gives the events (items 3, 6 and 8); the letters' wording, dates and numbers are illustrative.
"""

import datetime as dt

from django.db import transaction

from hamdeli.correspondence import prefill, services, templating
from hamdeli.correspondence.models import Letter, LetterTemplate
from hamdeli.demo.partners import SISTER_CITIES
from hamdeli.places.names import city_name_in

D = dt.date
NOTE = ("Illustrative: the event is from the spring 2020 news report; the wording, dates and numbers "
        "of this letter are invented for the demo. / نمایشی: رویداد از گزارش خبری است؛ متن، تاریخ و شمارهٔ "
        "این نامه برای نمایش ساخته شده است.")

TEMPLATES = [
    ("تبریک ایام ملی و جشن‌ها", "greeting",
     {"fa": "شادباش", "en": "Greetings", "zh": "贺信", "es": "Felicitaciones"},
     {"fa": "{official} محترم،\nفرارسیدن این روز را به شما و مردم {city} صمیمانه شادباش می‌گوییم.\n{date}",
      "en": "Dear {official},\nOn this day we send you and the people of {city} our warmest greetings.\n{date}",
      "zh": "尊敬的{official}：\n值此佳节，谨向您和{city}人民致以诚挚的问候。\n{date}",
      "es": "Estimado/a {official}:\nEn este día enviamos a usted y al pueblo de {city} nuestros más cordiales "
            "saludos.\n{date}"}),
    ("تبریک جشن بهار چین", "greeting",
     {"fa": "تبریک سال نو چینی", "en": "Greetings for the Spring Festival", "zh": "春节贺信"},
     {"fa": "{official} محترم،\nفرارسیدن سال نو را به شما و مردم {city} صمیمانه تبریک می‌گوییم و برایتان "
            "سالی سرشار از تندرستی و شادی آرزو داریم.\n{date}",
      "en": "Dear {official},\nOn the occasion of the Spring Festival we send you and the people of {city} our "
            "warmest wishes for a year of health and joy.\n{date}",
      "zh": "尊敬的{official}：\n值此春节之际，谨向您和{city}人民致以最诚挚的祝福，祝新年健康快乐。\n{date}"}),
    ("همدلی در روزهای سخت", "empathy",
     {"fa": "همدلی در روزهای سخت", "en": "Solidarity in difficult days", "zh": "患难与共",
      "es": "Solidaridad en días difíciles"},
     {"fa": "{official} محترم،\nدر این روزهای دشوار همه‌گیری، مردم اصفهان خود را در کنار مردم {city} می‌دانند. "
            "آمادهٔ هم‌فکری و تبادل تجربه‌ایم.\n{date}",
      "en": "Dear {official},\nIn these difficult days of the pandemic, the people of Isfahan stand with the "
            "people of {city}. We are ready to share experience and work together.\n{date}",
      "zh": "尊敬的{official}：\n在疫情艰难时期，伊斯法罕人民与{city}人民站在一起，愿分享经验、携手合作。\n{date}",
      "es": "Estimado/a {official}:\nEn estos días difíciles de pandemia, el pueblo de Isfahán está junto al "
            "pueblo de {city}. Estamos dispuestos a compartir experiencias y trabajar juntos.\n{date}"}),
    ("سپاس برای یاری", "thanks", {"fa": "سپاس", "en": "With thanks"},
     {"fa": "{official} محترم،\nاز همراهی و کمک‌های مردم {city} صمیمانه سپاسگزاریم.\n{date}",
      "en": "Dear {official},\nWe sincerely thank the people of {city} for their help and friendship.\n{date}"}),
]


@transaction.atomic
def load(ctx) -> None:
    isfahan, xian_org = ctx.orgs["isfahan"], ctx.orgs["xian"]
    templates = {name: _template(isfahan, ctx.users["isfahan_officer"], name, occasion, subject, body)
                 for name, occasion, subject, body in TEMPLATES}
    cny, reply = _chinese_new_year(ctx, isfahan, templates["تبریک جشن بهار چین"])
    _spring_letters(ctx, isfahan, templates["همدلی در روزهای سخت"], answers={"xian": reply})
    _inta(ctx, isfahan)
    _xian_side(ctx, xian_org)
    ctx.say("correspondence: %d Isfahan letters, %d templates" % (Letter.objects.filter(org=isfahan).count(),
                                                                  len(templates)))


def _template(org, actor, name, occasion, subject, body) -> LetterTemplate:
    existing = LetterTemplate.objects.filter(org=org, name=name).first()
    return existing or services.save_template(org=org, actor=actor, name=name, occasion=occasion,
                                              subject=subject, body=body)


def _letter(org, actor, *, direction, subject, registered_on, steps=(), **fields) -> Letter:
    """Register the letter once (found again by org, subject and date) and walk it through its steps."""
    existing = Letter.objects.filter(org=org, subject=subject, registered_on=registered_on).first()
    if existing is not None:
        return existing
    letter = services.register_letter(org=org, actor=actor, direction=direction, subject=subject,
                                      registered_on=registered_on, note=NOTE, **fields)
    for action, on in steps:
        letter = services.transition_letter(org=org, actor=actor, letter=letter, action=action, on=on,
                                            assignee="International relations desk" if action == "assign" else "")
    return letter


# GeoNames gives city names in English and Persian only; the Chinese ones the demo letters need.
CHINESE_NAMES = {"xian": "西安", "isfahan": "伊斯法罕"}


def _mayor(city, key="") -> str:
    """"Mayor of …" in the recipient's language, with the city's name in it (西安市市长 for Xi'an)."""
    lang = prefill.recipient_language(city)
    if lang == "zh":
        return f"{CHINESE_NAMES.get(key) or templating.city_in(city, 'zh')}市市长"
    if lang == "es":
        return f"Alcalde/sa de {city.name_en}"
    return f"Mayor of {city.name_en}"


def _our_mayor(lang: str) -> str:
    return {"zh": "伊斯法罕市市长", "es": "Alcalde de Isfahán", "fa": "شهردار اصفهان"}.get(lang, "Mayor of Isfahan")


def _from_template(template, city, on, official, key=""):
    lang = prefill.recipient_language(city)
    return templating.render(template, lang=lang, city=city, official=official, on=on,
                             city_name=CHINESE_NAMES.get(key, "") if lang == "zh" else "")


def _chinese_new_year(ctx, org, template):
    actor, xian = ctx.users["isfahan_officer"], ctx.cities["xian"]
    text = _from_template(template, xian, D(2020, 1, 26), "市长先生", key="xian")
    extra = {"zh": "\n在这困难时期，伊斯法罕人民与西安人民心连心。",
             "en": "\nIn these difficult days, the people of Isfahan are with the people of Xi'an."}
    cny = _letter(org, actor, direction="out",
                  subject="Spring Festival greetings and empathy from the Mayor of Isfahan",
                  registered_on=D(2020, 1, 26), occasion="greeting", language=text.language,
                  body=text.body + extra.get(text.language, ""), sender_title=_our_mayor(text.language),
                  recipient_title=_mayor(xian, "xian"), recipient_city=xian, partnership=ctx.partnerships["xian"],
                  letter_date=D(2020, 1, 26), answer_due_on=D(2020, 2, 25),
                  steps=[("submit", D(2020, 1, 26)), ("sign", D(2020, 1, 26)), ("send", D(2020, 1, 27)),
                         ("acknowledge", D(2020, 2, 10))])
    reply = _letter(org, actor, direction="in", subject="Reply of the Mayor of Xi'an: the city faces many problems",
                    registered_on=D(2020, 2, 11), received_on=D(2020, 2, 10), occasion="empathy", language="en",
                    sender_title="Mayor of Xi'an", sender_city=xian, reply_to=cny,
                    partnership=ctx.partnerships["xian"], letter_date=D(2020, 2, 8),
                    body="Dear Mayor,\nThank you for your warm wishes and your empathy. Xi'an is facing many "
                         "problems in these weeks of the epidemic: schools and businesses are closed and our "
                         "hospitals are under strain. Your words mean a great deal to us.",
                    steps=[("assign", D(2020, 2, 11))])
    return cny, reply


def _spring_letters(ctx, org, template, answers) -> None:
    """Isfahan writes to all thirteen sister cities in spring 2020; sending counts as contact (story, item 6)."""
    actor = ctx.users["isfahan_officer"]
    for key, _signed_on in SISTER_CITIES:
        city = ctx.cities[key]
        official = {"zh": "市长先生", "es": f"Alcalde/sa de {city.name_en}"}.get(
            prefill.recipient_language(city), f"Mayor of {city.name_en}")
        text = _from_template(template, city, D(2020, 3, 23), official, key=key)
        _letter(org, actor, direction="out", subject=f"{text.subject} — {city_name_in(city, text.language)}",
                registered_on=D(2020, 3, 22), occasion="empathy", language=text.language, body=text.body,
                sender_title=_our_mayor(text.language), recipient_title=_mayor(city, key), recipient_city=city,
                partnership=ctx.partnerships[key], reply_to=answers.get(key), letter_date=D(2020, 3, 23),
                steps=[("submit", D(2020, 3, 22)), ("sign", D(2020, 3, 23)), ("send", D(2020, 3, 24))])


def _inta(ctx, org) -> None:
    """INTA's president replied to the Mayor's letter on sanctions (story, item 8): still to be answered."""
    _letter(org, ctx.users["isfahan_officer"], direction="in", subject="INTA stands with Iran despite sanctions",
            registered_on=D(2020, 4, 20), received_on=D(2020, 4, 19), occasion="empathy", language="en",
            sender_title="President of INTA", sender_org="INTA — International Urban Development Association",
            answer_due_on=D(2020, 5, 20),
            body="The president of INTA writes that the association stands with Iran despite the sanctions.")


def _xian_side(ctx, org) -> None:
    """Xi'an's office registers the same exchange in its own registry."""
    actor, isfahan = ctx.users["xian_officer"], ctx.cities["isfahan"]
    received = _letter(org, actor, direction="in", subject="Spring Festival letter from the Mayor of Isfahan",
                       registered_on=D(2020, 1, 28), occasion="greeting", language="zh",
                       sender_title="Mayor of Isfahan", sender_city=isfahan,
                       steps=[("assign", D(2020, 1, 29))])
    _letter(org, actor, direction="out", subject="Reply to the Mayor of Isfahan", registered_on=D(2020, 2, 8),
            occasion="empathy", language="en", recipient_title="Mayor of Isfahan", recipient_city=isfahan,
            reply_to=received, sender_title="Mayor of Xi'an",
            steps=[("submit", D(2020, 2, 8)), ("sign", D(2020, 2, 8)), ("send", D(2020, 2, 10))])
