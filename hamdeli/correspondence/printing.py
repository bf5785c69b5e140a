"""A letter as a print-ready PDF in its own language (Persian shaped and right to left by the PDF engine)."""

from hamdeli.core.digits import to_persian_digits
from hamdeli.core.localized import pick
from hamdeli.core.pdf import render_pdf
from hamdeli.correspondence.models import Letter
from hamdeli.correspondence.templating import city_in, date_in

# The letterhead's few words in the letter's language; other languages use English.
LABELS = {
    "fa": {"number": "شماره", "date": "تاریخ", "subject": "موضوع"},
    "en": {"number": "No.", "date": "Date", "subject": "Subject"},
    "zh": {"number": "编号", "date": "日期", "subject": "事由"},
    "es": {"number": "N.º", "date": "Fecha", "subject": "Asunto"},
}


def letter_pdf(letter: Letter) -> bytes:
    lang = letter.language or "fa"
    number = letter.registry_number
    day = letter.letter_date or letter.sent_on or letter.registered_on
    return render_pdf("correspondence/letter_pdf.html", {
        "letter": letter,
        "org_name": letter.org.name.get(lang) or pick(letter.org.name, "fa" if lang == "fa" else "en")[0],
        "number": to_persian_digits(number) if lang == "fa" else number,
        "date": date_in(day, lang),
        "recipient_city": city_in(letter.recipient_city, lang),
        "labels": LABELS.get(lang, LABELS["en"]),
    }, lang=lang)
