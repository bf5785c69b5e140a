"""A letter printed to PDF: looked at as an image, Persian is shaped (joined) and laid out right to left."""

import datetime as dt

from hamdeli.core.pdf import pdf_page_images, pdf_text
from hamdeli.correspondence import printing
from tests.conftest import client_for
from tests.pdf_ink import ink_box, ink_pieces

BODY = "همدلی"


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
             if ink_box(page, y / page.height, (y + 1) / page.height)]
    last = max(lines)
    first = last
    while first - 1 in lines:
        first -= 1
    box = ink_box(page, first / page.height, (last + 1) / page.height)
    assert box[0] > page.width / 2, "the Persian body line should start from the right"
    # ... and is drawn joined: همدلی shapes into two pieces (همد + لی), not five isolated letters.
    assert ink_pieces(page, (box[0], first, box[2], last + 1)) == 2


def test_english_letter_is_left_to_right(outgoing):
    pdf = printing.letter_pdf(_letter(outgoing, "Friendship", language="en", subject="Greetings"))
    page = pdf_page_images(pdf, scale=1)[0]
    box = ink_box(page, 0.1, 0.9)
    assert box[0] < page.width / 4
    assert "Subject: Greetings" in pdf_text(pdf)


def test_pdf_page_and_api(outgoing, officer, officer_api):
    letter = _letter(outgoing, BODY)
    response = client_for(officer).get(f"/letters/{letter.public_id}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert officer_api.get(f"/api/v1/correspondence/letters/{letter.public_id}/pdf").content.startswith(b"%PDF-")


def test_a_chinese_letter_prints_its_chinese_text(outgoing):
    body = "值此新春佳节之际，谨向西安市人民致以诚挚的问候。"
    pdf = printing.letter_pdf(_letter(outgoing, body, language="zh", subject="春节问候"))
    text = pdf_text(pdf).replace("\n", "").replace("\r", "")
    assert "春节问候" in text and body in text


def test_a_letter_no_font_can_print_is_refused_not_printed_blank(outgoing, officer, monkeypatch):
    import pytest

    from hamdeli.core import pdf

    shipped_only = [pdf._font_dir() / "Vazirmatn-Regular.ttf"]  # as on a machine without a CJK font
    monkeypatch.setattr(pdf, "font_files", lambda: shipped_only)
    letter = _letter(outgoing, "谨向西安市人民致以诚挚的问候", language="zh", subject="春节问候")
    with pytest.raises(pdf.Unprintable, match="fonts-wqy-microhei"):
        printing.letter_pdf(letter)
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    response = client.get(f"/letters/{letter.public_id}/pdf/")
    assert response.status_code == 422
    assert "no font installed here can print" in response.content.decode()
    assert "春" in response.content.decode()  # it names the characters


def test_a_long_english_letterhead_name_does_not_run_into_the_number(outgoing, org):
    import pypdfium2

    org.name = {**org.name, "en": "Isfahan Municipality — Directorate-General of Communications and "
                                  "International Affairs"}
    org.save()
    pdf = printing.letter_pdf(_letter(outgoing, "Friendship", language="en", subject="Greetings"))
    document = pypdfium2.PdfDocument(pdf)
    page = document[0].get_textpage()
    text = page.get_text_range()
    boxes = [page.get_charbox(i) for i in range(page.count_chars())]
    number = text.index("No.:")
    meta_left = min(boxes[i][0] for i in range(number, number + 4))
    name_chars = [boxes[i] for i in range(page.count_chars()) if i < number and not text[i].isspace()]
    meta_rows = [(boxes[i][1], boxes[i][3]) for i in range(number, number + 4)]
    beside = [b for b in name_chars if any(b[1] < top and b[3] > bottom for bottom, top in meta_rows)]
    assert beside and all(b[2] + 12 < meta_left for b in beside), "the organization's name runs into the number"
    assert "Directorate-General" in text.replace("\r", "").replace("\n", " ")
    assert "Date: January 26, 2020" in text  # the number and the date are not squeezed onto two lines
    document.close()


def _chars(pdf, page_no=0, footer=False):
    """(character, left x) of every drawn character of a page, in the text layer's order (or of the
    footer's line alone: the characters lowest on the page)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[page_no].get_textpage()
        text = page.get_text_range()
        boxes = [(text[i], page.get_charbox(i)) for i in range(page.count_chars()) if not text[i].isspace()]
        lowest = min(box[1] for _ch, box in boxes)
        return [(ch, box[0]) for ch, box in boxes if not footer or box[1] < lowest + 3]
    finally:
        document.close()


def test_the_persian_page_counter_reads_one_of_two_not_two_of_one(outgoing):
    pdf = printing.letter_pdf(_letter(outgoing, "\n".join(["سطری از نامه"] * 70)))
    pages = len(pdf_page_images(pdf, scale=0.2))
    assert pages > 1
    for page_no in range(pages):
        footer = _chars(pdf, page_no, footer=True)
        # Left to right on the page: this page's number, the slash, the count, in Persian digits.
        assert [ch for ch, _x in sorted(footer, key=lambda c: c[1])] == ["۱۲۳۴"[page_no], "/", "۱۲۳۴"[pages - 1]]
    assert "2 / 1" not in pdf_text(pdf) and "1 / 2" not in pdf_text(pdf)  # Persian digits, not Latin
    english = printing.letter_pdf(_letter(outgoing, "\n".join(["A line"] * 40), language="en", subject="x"))
    footer = _chars(english, footer=True)
    assert [ch for ch, _x in sorted(footer, key=lambda c: c[1])] == ["1", "/", "2"]


def test_latin_user_text_in_a_persian_letter_keeps_its_punctuation(outgoing):
    # Not isolated, a Persian line carries the "!" of "Hello, World!" to the far (left) side of "Hello";
    # isolated, it stays after "World", as written.
    letter = _letter(outgoing, BODY, subject="Hello, World!")
    letter.recipient_title = "President of INTA (International Urban Development Association)"
    letter.save()
    chars = _chars(printing.letter_pdf(letter))
    bangs = [x for ch, x in chars if ch == "!"]
    d_of_world = [x for ch, x in chars if ch == "d"]
    h_of_hello = [x for ch, x in chars if ch == "H"]
    assert len(bangs) == 1 and len(h_of_hello) == 1
    assert bangs[0] > h_of_hello[0] and any(0 < bangs[0] - d < 20 for d in d_of_world)
    # The English title's closing bracket stays at its end (right), not flipped to the start of the line.
    closing = [x for ch, x in chars if ch == ")"]
    opening = [x for ch, x in chars if ch == "("]
    assert closing and opening and closing[0] > opening[0]
