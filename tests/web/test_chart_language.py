"""The charts, drawn in a real browser, write their numbers and dates in the page's language: Persian
digits and Jalali months on a Persian page, Latin digits and Gregorian months in English; and they fit a
phone. The text is read from what ECharts drew (zrender's display list), not from the page's HTML."""

import datetime as dt
import re

import pytest

from hamdeli.campaigns.services import awareness
from hamdeli.partners import services as partners
from tests.web.test_browser import browser_page, sign_in  # noqa: F401 - the shared Playwright fixture

pytestmark = pytest.mark.browser

DRAWN_TEXT = """() => {
  const texts = [];
  document.querySelectorAll('[data-chart]').forEach(box => {
    const chart = echarts.getInstanceByDom(box);
    if (!chart) return;
    chart.getZr().storage.getDisplayList(true).forEach(el => {
      const text = el.style && el.style.text;
      if (text) texts.push(String(text));
    });
  });
  return texts;
}"""


def _drawn(page, url, lang, width):
    page.context.add_cookies([{"name": "hamdeli_language", "value": lang, "url": url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('[data-chart]').length > 0 && "
                           "[...document.querySelectorAll('[data-chart]')].every(b => echarts.getInstanceByDom(b))")
    page.wait_for_timeout(300)  # the last frame of the first animation
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, f"{url} at {width}px"
    return page.evaluate(DRAWN_TEXT)


@pytest.mark.django_db(transaction=True)
def test_charts_write_numbers_and_dates_in_the_page_language(browser_page, live_server, org, officer, cities):  # noqa: F811
    xian = cities["xian"]
    xian.latitude, xian.longitude = 34.25833, 108.92861
    xian.save()
    p = partners.create_partnership(org=org, actor=officer, city=xian, kind="sister_city",
                                    proposed_on=dt.date(2019, 5, 1))
    partners.record_interaction(org=org, actor=officer, partnership=p, occurred_on=dt.date(2020, 2, 20),
                                kind="letter", summary="Mayor's letter")
    campaign = awareness.create_campaign(org=org, actor=officer, name={"fa": "در خانه بمانیم"},
                                         starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
    for _ in range(12):
        awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح"},
                                 formats=["billboard"], ready_on=dt.date(2020, 3, 1))
    sign_in(browser_page, live_server)
    browser_page.wait_for_url("**/dashboard/")
    base = live_server.url
    for width in (1366, 390):
        fa = " ".join(_drawn(browser_page, f"{base}/dashboard/", "fa", width)
                      + _drawn(browser_page, f"{base}/partners/{p.public_id}/", "fa", width))
        assert "۱۲" in fa and "۱۳۹۸" in fa, fa  # a count and a Jalali year, in Persian digits
        assert not re.search(r"[0-9]", fa), f"Latin digits in a Persian chart: {fa}"
        en = " ".join(_drawn(browser_page, f"{base}/dashboard/", "en", width)
                      + _drawn(browser_page, f"{base}/partners/{p.public_id}/", "en", width))
        assert "12" in en and "2020" in en and not re.search(r"[۰-۹]", en), en
        assert not re.search(r"\b0\.\d", en), f"fractional ticks on a chart of counts: {en}"  # one partner: 0, 1
