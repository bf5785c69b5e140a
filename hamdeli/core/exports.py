"""The audit trail as CSV, for an office's own records or an inspector."""

import io
import json

from django.db.models import QuerySet

from hamdeli.core import spreadsheet
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
