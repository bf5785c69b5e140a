"""The partners' export (CSV or XLSX) as a download (core.downloads): one build for the prepared file and
the immediate answer."""

from django.utils.translation import gettext as _

from hamdeli.core import downloads
from hamdeli.partners import imports, selectors, tables


def partnerships(asked: downloads.Asked) -> downloads.Built:
    fmt = asked.params.get("format", "csv")
    if fmt not in tables.FORMATS:
        fmt = "csv"
    rows = imports.export_rows(selectors.partnerships_for_export(org=asked.org))
    return downloads.Built(tables.write_rows(imports.export_columns(rows), rows, fmt), f"partners.{fmt}",
                           tables.FORMATS[fmt])


def register() -> None:
    downloads.register("partners.partnerships", label=lambda: _("Partners (CSV or XLSX)"),
                       permission="partners.view", build=partnerships)
