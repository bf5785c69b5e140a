"""PDFs carry Persian shaped (joined letters) and laid out right to left."""

from hamdeli.core.pdf import html_to_pdf, pdf_page_images, pdf_text
from tests.pdf_ink import ink_box, ink_pieces

PAGE = '<html lang="{lang}" dir="{dir}"><body><p style="font-size:28pt">{text}</p></body></html>'


def _render(text, lang="fa", direction="rtl"):
    return html_to_pdf(PAGE.format(lang=lang, dir=direction, text=text))


def test_persian_letters_are_joined_by_the_shaping_engine():
    # همدلی joins as «همد» + «لی»: two strokes. Kept apart by zero-width non-joiners, the same five
    # letters take their isolated forms: five strokes. Unshaped text would look like the latter.
    for text, pieces in (("همدلی", 2), ("ه\u200cم\u200cد\u200cل\u200cی", 5)):
        page = pdf_page_images(_render(text))[0]
        assert ink_pieces(page, ink_box(page)) == pieces, text


def test_persian_paragraphs_are_laid_out_from_the_right():
    width = pdf_page_images(_render("سلام"))[0].width
    rtl = ink_box(pdf_page_images(_render("سلام"))[0])
    ltr = ink_box(pdf_page_images(_render("Hello", "en", "ltr"))[0])
    assert rtl[0] > width / 2  # Persian text sits at the right margin
    assert ltr[2] < width / 2  # English text at the left


def test_the_text_layer_keeps_the_persian_words_in_reading_order():
    text = pdf_text(_render("رفاقت در روزهای مشقت"))
    assert "رفاقت" in text and "مشقت" in text
    assert text.index("رفاقت") < text.index("مشقت")
