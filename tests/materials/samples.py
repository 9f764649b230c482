"""Files to upload, made here so that each test says exactly what it sends."""
from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import ExifTags, Image
from pypdf import PdfWriter


def jpeg(width: int = 640, height: int = 480, *, gps: bool = False, color=(30, 90, 160)) -> bytes:
    """A photo; `gps`: with the EXIF a phone writes (camera model and the place it was taken)."""
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.Base.Model] = "Camera 12"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (34.0, 2.0, 10.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (113.0, 49.0, 30.0)
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def noisy_jpeg(megabytes: float = 5.0) -> bytes:
    """A camera-sized photo of at least `megabytes` (random noise barely compresses)."""
    target = int(megabytes * 1024 * 1024)
    side = int((target / 1.5) ** 0.5)
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=92)
        if out.tell() >= target:
            return out.getvalue()
        side = int(side * (target / out.tell()) ** 0.5) + 16


def png(width: int = 320, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 40, 40, 255)).save(out, "PNG")
    return out.getvalue()


def pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="1234", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n"


def exe() -> bytes:
    """A Windows program (the MZ header), whatever name it is sent under."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 60_000) -> bytes:
    """A PNG of a few hundred bytes that claims side × side pixels (3.6 gigapixels)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * 16
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(row * 4))
            + _chunk(b"IEND", b""))
