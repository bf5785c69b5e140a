"""The letters register exports to CSV with the page's filters (issue 13): every field an office keeps,
formula cells neutralised, nobody else's letters."""

import csv
import io

from hamdeli.core.models import AuditEntry, Organization
from hamdeli.correspondence import services
from tests.conftest import client_for


def _rows(response):
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="letters.csv"'
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_register_exports_what_its_filters_show(org, officer, outsider, cities):
    out = services.register_letter(org=org, actor=officer, direction="out", subject="=HYPERLINK(\"http://x\")",
                                   recipient_city=cities["xian"], recipient_name="西安市市长")
    services.register_letter(org=org, actor=officer, direction="in", subject="From Barcelona",
                             sender_city=cities["barcelona"])
    services.register_letter(org=Organization.objects.get(slug="xian"), actor=outsider, direction="out",
                             subject="not ours", recipient_city=cities["isfahan"])
    browser = client_for(officer)

    everything = _rows(browser.get("/letters/export.csv"))
    assert {r["subject"] for r in everything} == {"'=HYPERLINK(\"http://x\")", "From Barcelona"}
    [row] = _rows(browser.get("/letters/export.csv?direction=out"))
    assert (row["number"], row["direction"], row["recipient_name"], row["recipient_city"], row["id"]) == (
        out.registry_number, "out", "西安市市长", cities["xian"].name_en, str(out.public_id))
    assert AuditEntry.objects.filter(org=org, action="export.downloaded", actor=officer).exists()

    page = browser.get("/letters/?direction=out").content.decode()
    # The page's button asks for the same file, prepared in the background (tests/core/test_downloads.py),
    # with the page's filters.
    assert 'method="post" action="/letters/export.csv?direction=out"' in page
