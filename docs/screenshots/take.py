"""Screenshots of the main pages of the Isfahan demo, in Persian and English, at 390 and 1366 px.

    hamdeli demo            # in another terminal: serves http://127.0.0.1:8000 with the demo loaded
    python docs/screenshots/take.py [http://127.0.0.1:8000]

Uses Debian's chromium through Playwright, like the browser tests."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PAGES = {"dashboard": "/dashboard/", "partners": "/partners/", "networks": "/networks/", "letters": "/letters/",
         "calendar": "/calendar/", "aid": "/aid/", "aid-flow": "/aid/flow/", "pledges": "/aid/pledges/",
         "campaigns": "/campaigns/", "practices": "/practices/", "exchange": "/exchange/"}
README = {"dashboard-fa": "/dashboard/", "exchange-fa": "/exchange/?q=%D9%85%D8%A7%D8%B3%DA%A9&country=CN"}


def main(base="http://127.0.0.1:8000"):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "isfahan_officer")
        page.fill("input[name=password]", "hamdeli-demo-2020")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        for lang in ("fa", "en"):
            page.context.add_cookies([{"name": "hamdeli_language", "value": lang, "url": base}])
            for name, path in PAGES.items():
                for width in (1366, 390):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(HERE / f"{name}-{lang}-{width}.png"), full_page=True)
        # The README's two pictures: the Persian dashboard, and a Persian search of the public exchange
        # narrowed to China by a facet.
        page.context.add_cookies([{"name": "hamdeli_language", "value": "fa", "url": base}])
        page.set_viewport_size({"width": 1366, "height": 900})
        for name, path in README.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(HERE / f"{name}.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
