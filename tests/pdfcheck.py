"""Reading a PDF the way a user gets it: its text, its pixels, its fonts and metadata."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

POINTS_PER_MM = 72 / 25.4


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def text_of(pdf: bytes) -> str:
    """All text, whitespace folded, so phrases that wrap across lines still match."""
    return " ".join(" ".join(page_texts(pdf)).split())


def render_page(pdf: bytes, index: int = 0, dpi: int = 200):
    document = pdfium.PdfDocument(pdf)
    try:
        return document[index].render(scale=dpi / 72).to_pil()
    finally:
        document.close()


def blank_shares(pdf: bytes, *, top_mm: float = 16, bottom_mm: float = 24, dpi: int = 36) -> list[float]:
    """For each page, the share of its body (between the margins) left blank below the
    last thing printed on it, read from the pixels: text, rules, boxes and lines all count."""
    document = pdfium.PdfDocument(pdf)
    try:
        shares = []
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            width, height = image.size
            top, bottom = round(top_mm / 25.4 * dpi), height - round(bottom_mm / 25.4 * dpi)
            pixels = image.load()
            lowest = top
            for row in range(bottom - 1, top - 1, -1):
                if any(pixels[x, row] < 160 for x in range(width)):
                    lowest = row
                    break
            shares.append((bottom - lowest) / (bottom - top))
        return shares
    finally:
        document.close()


@dataclass(frozen=True)
class FoundQR:
    text: str
    width_mm: float  # the symbol itself, without its quiet zone
    modules: int  # modules across the symbol


def find_qr(pdf: bytes, index: int = 0, dpi: int = 200) -> FoundQR:
    image = render_page(pdf, index, dpi).convert("L")
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1, f"expected one QR code on page {index + 1}, found {len(results)}"
    found = results[0]
    corners = found.position
    width_px = ((corners.top_right.x - corners.top_left.x) ** 2
                + (corners.top_right.y - corners.top_left.y) ** 2) ** 0.5  # fmt: skip
    modules = 17 + 4 * int(found.extra["Version"])
    return FoundQR(found.text, width_px / dpi * 25.4, modules)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def font_files(pdf: bytes) -> dict[str, bool]:
    """Base font name -> whether the font program is embedded."""
    fonts: dict[str, bool] = {}
    for page in reader(pdf).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(target.get("/BaseFont"))] = embedded
    return fonts


def face(name) -> str:
    return re.sub(r"^/?[A-Z]{6}\+", "", str(name))


def font_programs(pdf: bytes) -> dict[str, list[int]]:
    """Face -> sizes (as stored) of every embedded TrueType font program in the file."""
    programs: dict[str, list[int]] = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
                continue
            if "/FontFile2" in obj:
                size = len(obj.FontFile2.read_raw_bytes())
                programs.setdefault(face(obj.FontName), []).append(size)
    return programs
