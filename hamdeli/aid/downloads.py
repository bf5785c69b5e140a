"""The ledger's movements (CSV) and a pledge's donor report (PDF) as downloads (core.downloads): one build
each for the prepared file and the immediate answer. IATI and HXL stay feeds answered at their URL."""

from uuid import UUID

from django.utils.translation import gettext as _

from hamdeli.aid import exports, selectors
from hamdeli.core import downloads
from hamdeli.core.validation import invalid


def movements(asked: downloads.Asked) -> downloads.Built:
    """The movements the member may see (a store's member: their stores'), as CSV."""
    rows = selectors.movements(org=asked.org, actor=asked.actor)
    return downloads.Built(exports.movements_csv(rows).encode("utf-8"), "movements.csv", "text/csv; charset=utf-8")


def _pledge_id(asked: downloads.Asked) -> UUID:
    try:
        return UUID(asked.params.get("pledge", ""))
    except ValueError:
        raise invalid("pledge", _("Name a pledge of this office.")) from None


def check_report(asked: downloads.Asked) -> None:
    """The pledge is the office's (404 otherwise) and the member may read its report (a store's: 403)."""
    selectors.pledge(org=asked.org, actor=asked.actor, public_id=_pledge_id(asked))


def report_lang(asked: downloads.Asked, pledge) -> str:
    lang = asked.params.get("lang") or selectors.donor_language(pledge)  # by default in the donor's language
    return lang if lang in selectors.REPORT_LANGUAGES else selectors.donor_language(pledge)


def report(asked: downloads.Asked) -> downloads.Built:
    """A pledge's donor report as a PDF, in the language asked for (else the donor's)."""
    from hamdeli.core.pdf import render_pdf

    pledge = selectors.pledge(org=asked.org, actor=asked.actor, public_id=_pledge_id(asked))
    lang = report_lang(asked, pledge)
    context = {"report": selectors.report(org=asked.org, pledge=pledge), "p": pledge,
               "donor_lang": selectors.donor_language(pledge), "lang": lang}
    return downloads.Built(render_pdf("aid/report_pdf.html", context, lang=lang),
                           f"donor-report-{pledge.public_id}-{lang}.pdf", "application/pdf", inline=True)


def register() -> None:
    downloads.register("aid.movements", label=lambda: _("Ledger movements (CSV)"), permission="aid.view",
                       build=movements)
    downloads.register("aid.report", label=lambda: _("Donor report (PDF)"), permission="aid.view",
                       build=report, check=check_report)
