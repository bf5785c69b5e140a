"""Looking at rendered PDF pages the way a reader would: where the ink is, and how many pieces it is in."""


def ink_box(image, top: float = 0.0, bottom: float = 0.8):
    """(left, top, right, bottom) of the dark pixels in a horizontal band of the page, in page pixels.

    The default band stops above the page-number footer."""
    y0 = int(image.height * top)
    band = image.crop((0, y0, image.width, int(image.height * bottom))).convert("L")
    box = band.point(lambda v: 255 if v < 128 else 0).getbbox()
    return None if box is None else (box[0], box[1] + y0, box[2], box[3] + y0)


def ink_pieces(image, box) -> int:
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
