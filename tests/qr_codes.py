"""Reading QR codes back as a phone's camera would: from pictures of the pages they are printed on.

Pages are rasterised by poppler's ``pdftoppm`` at 200 dpi, a fair stand-in for a phone held over
a printed page, and decoded by zxing-cpp. An SVG drawn for a web page is laid out alone by
WeasyPrint first, so it is read as a renderer draws it, not as its markup says.
"""

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import weasyprint
import zxingcpp
from PIL import Image

DPI = 200


@dataclass(frozen=True)
class Code:
    text: str
    x: int  # the code's top left corner on the page picture, in pixels
    y: int
    page_width: int


def page_codes(pdf_path):
    """The QR codes on each page of the PDF at ``pdf_path``: ``[[Code, …] of page 1, …]``."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", pdf_path, Path(folder) / "page"], check=True)
        return [_codes(png) for png in sorted(Path(folder).glob("page-*.png"))]


def svg_texts(markup):
    """The texts of the QR codes an inline ``<svg>`` draws."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "code.pdf"
        weasyprint.HTML(string=f"<style>svg {{ width: 40mm; }}</style>{markup}").write_pdf(pdf)
        return [code.text for page in page_codes(pdf) for code in page]


def _codes(png):
    with Image.open(png) as picture:
        found = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)
        width = picture.width
    return [Code(code.text, code.position.top_left.x, code.position.top_left.y, width) for code in found]
