"""The letters register's CSV as a download (core.downloads): built the same way whether prepared by a job
or answered at once, from the register page's filters."""

from django.utils.translation import gettext as _

from hamdeli.core import downloads
from hamdeli.correspondence import exports, forms, selectors


def letters(asked: downloads.Asked) -> downloads.Built:
    filters = forms.LetterFilterForm(asked.params or None, org=asked.org).offer_archived(
        asked.can("correspondence.restore"))
    found = selectors.letters(org=asked.org, archived=filters.archived_only, **filters.values())
    return downloads.Built(exports.letters_csv(found.order_by("registry_year", "registry_seq")).encode("utf-8"),
                           "letters.csv", "text/csv; charset=utf-8")


def register() -> None:
    downloads.register("correspondence.letters", label=lambda: _("Letters register (CSV)"),
                       permission="correspondence.view", build=letters)
