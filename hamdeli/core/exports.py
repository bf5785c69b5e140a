"""The audit trail as CSV, for an office's own records or an inspector."""

import io
import json

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hamdeli.core import downloads, spreadsheet
from hamdeli.core.models import AuditEntry

AUDIT_COLUMNS = ["seq", "at", "actor", "action", "object_type", "object_id", "channel", "token_id", "ip",
                 "request_id", "before", "after", "hash"]


def audit_csv(entries: QuerySet[AuditEntry]) -> str:
    out = io.StringIO()
    writer = spreadsheet.Writer(out)  # formula cells neutralised, like every export
    writer.writerow(AUDIT_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow([
            entry.seq, entry.at.isoformat(), entry.actor.username if entry.actor else "", entry.action,
            entry.object_type, entry.object_id, entry.channel, entry.token_id, entry.ip or "", entry.request_id,
            json.dumps(entry.before, ensure_ascii=False) if entry.before is not None else "",
            json.dumps(entry.after, ensure_ascii=False) if entry.after is not None else "", entry.hash])
    return out.getvalue()


def audit_download(asked: "downloads.Asked") -> "downloads.Built":
    """The audit export (core.downloads): the trail narrowed by the audit page's filters, oldest first."""
    from hamdeli.core import forms, selectors

    form = forms.AuditFilterForm(asked.params or None, people=selectors.audit_people(org=asked.org),
                                 actions=selectors.audit_actions(org=asked.org))
    entries = selectors.audit_trail(org=asked.org, **form.filters()).order_by("seq")
    return downloads.Built(audit_csv(entries).encode("utf-8"), "audit.csv", "text/csv; charset=utf-8")


def office_download(asked: "downloads.Asked") -> "downloads.Built":
    """The office's whole record (core.office_archive) as its archive file."""
    from hamdeli.core import office_archive

    handle, _size = office_archive.export_to_temporary(asked.org)
    return downloads.Built(handle, office_archive.archive_name(asked.org), "application/gzip")


def register_downloads() -> None:
    downloads.register("core.audit", label=lambda: _("Audit trail (CSV)"), permission="org.manage",
                       build=audit_download)
    downloads.register("core.office", label=lambda: _("Our office's whole record"), permission="org.manage",
                       build=office_download)
