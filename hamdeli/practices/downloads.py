"""The office's practices (JSON or CSV) as a download (core.downloads): one build for the prepared file and
the immediate answer."""

from django.utils.translation import gettext as _

from hamdeli.core import downloads
from hamdeli.practices import exchange, selectors


def practices(asked: downloads.Asked) -> downloads.Built:
    fmt = "csv" if asked.params.get("format") == "csv" else "json"
    body, content_type = exchange.export(selectors.own_practices(org=asked.org), fmt)
    return downloads.Built(body.encode("utf-8"), f"practices.{fmt}", content_type)


def register() -> None:
    downloads.register("practices.practices", label=lambda: _("Our practices (JSON or CSV)"),
                       permission="practices.view", build=practices)
