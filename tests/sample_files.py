"""Small real files for upload tests: uploads are parsed in full (Pillow, pdfium), so a bare magic
number is no longer enough to pass for a PDF or an image."""

import io

from PIL import Image


def pdf_bytes(note: bytes = b"") -> bytes:
    """A one-page PDF; `note` goes in a comment, so two files can differ."""
    return (b"%PDF-1.4\n%" + note + b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def image_bytes(fmt: str = "PNG", colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, fmt)
    return out.getvalue()


PDF = pdf_bytes()
PNG = image_bytes()
