"""Tiny valid files for upload tests (built in code: no binary fixtures)."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.sample_files import pdf_bytes


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + \
        chunk(b"IEND", b"")


def png(name="design.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf(name="letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(b"test"),
                              content_type="application/pdf")


def mp4(name="clip.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,
                              content_type="video/mp4")


def fake_png(name="evil.png") -> SimpleUploadedFile:
    """Named like an image, but an executable script inside."""
    return SimpleUploadedFile(name, b"#!/bin/sh\necho not an image\n", content_type="image/png")
