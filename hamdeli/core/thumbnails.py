"""Small pictures of uploaded files: a raster image scaled down, or the first page of a PDF rendered.

`render` takes bytes that `files.check_upload` already accepted and returns a WebP of at most `SIZE`
pixels on its longer side, or None when the file has no picture to offer (a video) or cannot be drawn
safely: an image of more than `MAX_PIXELS` once decoded (a decompression bomb is small on disk and
huge in memory), a PDF without a page, or any parser or renderer failure. A file without a thumbnail
is still a good upload; the page shows an icon for it instead.
"""

import io
import logging

import pypdfium2
from PIL import Image, ImageOps

from hamdeli.core.files import GIF, JPEG, PDF, PNG, WEBP, FileKind

SIZE = 320
CONTENT_TYPE = WEBP.content_type
EXTENSION = WEBP.extension
# Decoded pixels a thumbnail may cost: 64 MP is a 8000 × 8000 poster, about 256 MB as RGBA for a moment.
MAX_PIXELS = 64_000_000
_IMAGES = {PNG, JPEG, GIF, WEBP}

log = logging.getLogger(__name__)


def render(data: bytes, kind: FileKind) -> bytes | None:
    """The thumbnail of a file of this (already checked) kind, or None."""
    try:
        if kind in _IMAGES:
            picture = _image(data)
        elif kind is PDF:
            picture = _first_page(data)
        else:
            return None
        if picture is None:
            return None
        out = io.BytesIO()
        picture.save(out, "WEBP", quality=80, method=4)
        return out.getvalue()
    except Exception:  # a hostile or broken file: no thumbnail, and the upload goes on
        log.info("no thumbnail for a %s file", kind.name, exc_info=True)
        return None


def _image(data: bytes) -> Image.Image | None:
    with Image.open(io.BytesIO(data)) as image:  # reads the header only
        image.draft("RGB", (SIZE, SIZE))  # JPEG decodes at 1/2 … 1/8 scale when that is enough
        width, height = image.size
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            return None
        image.seek(0)  # the first frame of an animation
        image.load()
        picture = ImageOps.exif_transpose(image)
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
        picture.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
        return picture


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA", "La", "RGBa"} or (image.mode == "P" and "transparency" in image.info)


def _first_page(data: bytes) -> Image.Image | None:
    document = pypdfium2.PdfDocument(data)
    try:
        if len(document) < 1:
            return None
        page = document[0]
        try:
            width, height = page.get_size()  # points, after the page's rotation
            if not (width > 0 and height > 0):
                return None
            scale = SIZE / max(width, height)
            if min(width, height) * scale < 1:
                return None  # a sliver of a page: nothing to see
            bitmap = page.render(scale=scale, may_draw_forms=False, limit_image_cache=True)  # on white
            try:
                picture: Image.Image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        document.close()
    picture.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)  # rounding may leave a pixel over
    return picture
