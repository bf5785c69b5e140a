"""A letter printed to PDF: looked at as an image, Persian is shaped (joined) and laid out right to left."""

import datetime as dt

from hamdeli.core.pdf import pdf_page_images, pdf_text
from hamdeli.correspondence import printing
from tests.conftest import client_for

BODY = "همدلی"


def _ink_columns(image, top: float, bottom: float):
    """Left and right ends of the dark pixels in a horizontal band of the page."""
    band = image.crop((0, int(image.height * top), image.width, int(image.height * bottom))).convert("L")
    return band.point(lambda v: 255 if v < 128 else 0).getbbox()


def _pieces(image, box) -> int:
    """Separate pieces of ink (8-connected) inside a box: shaped Persian words join into few pieces."""
    ink = image.crop(box).convert("L")
    dark = {(x, y) for x in range(ink.width) for y in range(ink.height) if ink.getpixel((x, y)) < 128}
    pieces = 0
    while dark:
        pieces += 1
        stack = [dark.pop()]
        while stack:
            x, y = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    if (x + dx, y + dy) in dark:
                        dark.remove((x + dx, y + dy))
                        stack.append((x + dx, y + dy))
    return pieces


def _letter(outgoing, body, language="fa", subject="تبریک سال نو"):
    return outgoing(subject=subject, body=body, language=language, recipient_name="شهردار محترم شیان",
                    letter_date=dt.date(2020, 1, 26))


def test_persian_letter_pdf_is_shaped_and_right_to_left(outgoing):
    pdf = printing.letter_pdf(_letter(outgoing, BODY))
    assert pdf.startswith(b"%PDF-")
    page = pdf_page_images(pdf, scale=2)[0]
    text = pdf_text(pdf)
    # The text layer keeps logical order: number, then recipient, subject and body, in reading order.
    assert text.index("شهردار محترم شیان") < text.index("تبریک سال نو") < text.index(BODY)
    assert "۱۳۹۸/۱" in text and "۶ بهمن ۱۳۹۸" in text  # Persian digits, Jalali date
    # The lone body word, found as the last ink above the footer, sits against the right margin ...
    lines = [y for y in range(int(page.height * 0.1), int(page.height * 0.9))
             if _ink_columns(page, y / page.height, (y + 1) / page.height)]
    last = max(lines)
    first = last
    while first - 1 in lines:
        first -= 1
    box = _ink_columns(page, first / page.height, (last + 1) / page.height)
    assert box[0] > page.width / 2, "the Persian body line should start from the right"
    # ... and is drawn joined: همدلی shapes into two pieces (همد + لی), not five isolated letters.
    assert _pieces(page, (box[0], first, box[2], last + 1)) == 2


def test_english_letter_is_left_to_right(outgoing):
    pdf = printing.letter_pdf(_letter(outgoing, "Friendship", language="en", subject="Greetings"))
    page = pdf_page_images(pdf, scale=1)[0]
    box = _ink_columns(page, 0.1, 0.9)
    assert box[0] < page.width / 4
    assert "Subject: Greetings" in pdf_text(pdf)


def test_pdf_page_and_api(outgoing, officer, officer_api):
    letter = _letter(outgoing, BODY)
    response = client_for(officer).get(f"/letters/{letter.public_id}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert officer_api.get(f"/api/v1/correspondence/letters/{letter.public_id}/pdf").content.startswith(b"%PDF-")
