"""Print-ready PDFs from Django templates (WeasyPrint): Persian shaped and right-to-left by HarfBuzz
and Pango, with Vazirmatn embedded; Chinese falls back to a CJK system font (WenQuanYi / Noto CJK)."""

import functools
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from hamdeli.core.errors import ServiceError

RTL_LANGUAGES = {"fa", "ar", "ur", "he"}


def _font_dir() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "vazirmatn" / "fonts" / "ttf"


# The page counter's digits per language; in a right-to-left document the counter is a left-to-right
# island (LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE), so "۱ / ۲" never turns into "2 / 1".
_COUNTER_STYLE = {"fa": "persian", "ar": "arabic-indic"}


def _page_counter(lang: str | None) -> str:
    lang = (lang or "").split("-")[0]
    style = _COUNTER_STYLE.get(lang, "decimal")
    counter = f'counter(page, {style}) " / " counter(pages, {style})'
    return f'"\\2066" {counter} "\\2069"' if lang in RTL_LANGUAGES else counter


def _base_css(lang: str | None = None) -> str:
    fonts = _font_dir()
    faces = "\n".join(
        f'@font-face {{ font-family: "Vazirmatn"; font-weight: {weight}; '
        f'src: url("{(fonts / f"Vazirmatn-{name}.ttf").as_uri()}"); }}'
        for name, weight in (("Regular", 400), ("Bold", 700))
    )
    return faces + """
@page { size: A4; margin: 22mm 20mm; @bottom-center { content: %%COUNTER%%;
        font-size: 9pt; color: #555; } }
html { font-family: "Vazirmatn", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "DejaVu Sans", sans-serif;
       font-size: 11pt; line-height: 1.8; color: #111; }
html[dir="rtl"] { direction: rtl; text-align: right; }
html[dir="ltr"] { direction: ltr; text-align: left; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid #999; padding: 3pt 5pt; text-align: start; }
h1 { font-size: 16pt; margin: 0 0 8pt; }
h2 { font-size: 13pt; margin: 14pt 0 6pt; }
""".replace("%%COUNTER%%", _page_counter(lang))


def render_pdf(template_name: str, context: dict[str, Any], *, lang: str) -> bytes:
    """Render a template in `lang` (its `html` element gets lang and dir) and return the PDF bytes.

    The template should extend "core/pdf_base.html".
    """
    lang = (lang or settings.LANGUAGE_CODE).split("-")[0]
    with translation.override(lang):
        html = render_to_string(template_name, {**context, "LANG": lang,
                                                "DIR": "rtl" if lang in RTL_LANGUAGES else "ltr"})
    return html_to_pdf(html, lang=lang)


class Unprintable(ServiceError):
    """The document holds characters that no font here can draw: refused, never printed blank."""

    status = 422
    code = "unprintable"


def font_files() -> list[Path]:
    """The fonts a PDF is drawn with: Vazirmatn (shipped), the CJK font and DejaVu that fontconfig
    finds on the machine (.ci/run installs fonts-wqy-microhei)."""
    files = [_font_dir() / "Vazirmatn-Regular.ttf"]
    if shutil.which("fc-list"):
        for pattern in (":lang=zh", "DejaVu Sans"):
            listed = subprocess.run(["fc-list", "-f", "%{file}\n", pattern], capture_output=True, text=True,
                                    timeout=20, check=False).stdout
            files += [Path(line) for line in sorted(set(listed.split())) if line]
    return [f for f in files if f.exists()]


@functools.lru_cache(maxsize=8)
def _coverage(files: tuple[Path, ...]) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    covered: set[int] = set()
    for path in files:
        fonts = TTCollection(path).fonts if path.suffix.lower() in {".ttc", ".otc"} else [TTFont(path)]
        for font in fonts:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in {"style", "script"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"style", "script"} and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def missing_glyphs(html: str, files: list[Path] | None = None) -> list[str]:
    """The characters of the document's text that none of the fonts can draw."""
    parser = _Text()
    parser.feed(html)
    covered = _coverage(tuple(font_files() if files is None else files))
    return sorted({ch for ch in "".join(parser.parts)
                   if not ch.isspace() and unicodedata.category(ch) not in {"Cc", "Cf"} and ord(ch) not in covered})


def html_to_pdf(html: str, *, lang: str | None = None) -> bytes:
    """The PDF of a document; `lang` sets the page counter's digits and direction (else read from the
    html element's dir: a right-to-left document counts in an isolated left-to-right island)."""
    if lang is None:
        lang = "fa" if 'dir="rtl"' in html[:300] else "en"
    missing = missing_glyphs(html)
    if missing:
        raise Unprintable(_("This document holds characters that no font installed here can print (%(chars)s). "
                            "Install a font for them (for Chinese: fonts-wqy-microhei) and print it again.")
                          % {"chars": " ".join(missing[:12])})
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = CSS(string=_base_css(lang), font_config=font_config)
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css],
                      font_config=font_config)
    return pdf


def pdf_page_images(pdf: bytes, *, scale: float = 1.5) -> list[Any]:
    """The pages of a PDF as PIL images (pypdfium2), for tests and for looking at a document."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=scale).to_pil() for i in range(len(document))]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    """The text of every page, in reading order as PDFium extracts it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
