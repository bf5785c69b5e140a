"""PDFs carry Persian shaped (joined letters) and laid out right to left."""

from hamdeli.core.pdf import html_to_pdf, pdf_page_images, pdf_text

PAGE = '<html lang="{lang}" dir="{dir}"><body><p style="font-size:28pt">{text}</p></body></html>'


def _ink_box(image):
    """The bounding box (left, top, right, bottom) of the dark pixels above the page-number footer."""
    grey = image.crop((0, 0, image.width, int(image.height * 0.8))).convert("L").point(lambda v: 255 if v < 128 else 0)
    return grey.getbbox()


def _render(text, lang="fa", direction="rtl"):
    return html_to_pdf(PAGE.format(lang=lang, dir=direction, text=text))


def _strokes(image) -> int:
    """How many separate pieces of ink the text is drawn with (8-connected components)."""
    ink = image.crop((0, 0, image.width, int(image.height * 0.8))).convert("L")
    ink = ink.crop(_ink_box(image))
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


def test_persian_letters_are_joined_by_the_shaping_engine():
    # همدلی joins as «همد» + «لی»: two strokes. Kept apart by zero-width non-joiners, the same five
    # letters take their isolated forms: five strokes. Unshaped text would look like the latter.
    assert _strokes(pdf_page_images(_render("همدلی"))[0]) == 2
    assert _strokes(pdf_page_images(_render("ه\u200cم\u200cد\u200cل\u200cی"))[0]) == 5


def test_persian_paragraphs_are_laid_out_from_the_right():
    width = pdf_page_images(_render("سلام"))[0].width
    rtl = _ink_box(pdf_page_images(_render("سلام"))[0])
    ltr = _ink_box(pdf_page_images(_render("Hello", "en", "ltr"))[0])
    assert rtl[0] > width / 2  # Persian text sits at the right margin
    assert ltr[2] < width / 2  # English text at the left


def test_the_text_layer_keeps_the_persian_words_in_reading_order():
    text = pdf_text(_render("رفاقت در روزهای مشقت"))
    assert "رفاقت" in text and "مشقت" in text
    assert text.index("رفاقت") < text.index("مشقت")
