"""The letters register as CSV: the rows the register page shows with its filters, every field an office
keeps for a letter, through core.spreadsheet (formula cells neutralised, like every export)."""

import io

from hamdeli.core import spreadsheet

COLUMNS = ["number", "direction", "state", "registered_on", "letter_date", "subject", "occasion", "language",
           "sender_name", "sender_title", "sender_city", "sender_org", "recipient_name", "recipient_title",
           "recipient_city", "recipient_org", "partner_city", "reply_to", "answer_due_on", "sent_on",
           "received_on", "closed_on", "assignee", "archived_at", "id"]


def _day(value) -> str:
    return value.isoformat() if value else ""


def _city(city) -> str:
    return city.name_en if city else ""


def letters_csv(letters) -> str:
    out = io.StringIO()
    writer = spreadsheet.Writer(out)
    writer.writerow(COLUMNS)
    for x in letters.iterator(chunk_size=2000):
        writer.writerow([
            x.registry_number, x.direction, x.state, _day(x.registered_on), _day(x.letter_date), x.subject,
            x.occasion, x.language, x.sender_name, x.sender_title, _city(x.sender_city), x.sender_org,
            x.recipient_name, x.recipient_title, _city(x.recipient_city), x.recipient_org,
            _city(x.partnership.city) if x.partnership else "", x.reply_to.registry_number if x.reply_to else "",
            _day(x.answer_due_on), _day(x.sent_on), _day(x.received_on), _day(x.closed_on), x.assignee,
            x.archived_at.isoformat() if x.archived_at else "", x.public_id])
    return out.getvalue()
