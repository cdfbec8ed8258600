"""Reading PDFs back the way a person checks a proof: the text of each page (pdftotext), the
fonts (pdffonts) and pictures of the first pages (pdftoppm), all from Debian's poppler-utils.

Without poppler-utils the tests that read PDFs are skipped with the reason shown, unless CI is
set (as in CI), where that is a failure.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "print"
POPPLER = ("pdftotext", "pdffonts", "pdftoppm")


@dataclass
class Pdf:
    """A PDF as read back: ``pages[n]`` is the text of page n + 1."""

    path: Path
    pages: list

    @property
    def text(self):
        return "\n".join(self.pages)

    def fonts(self):
        """``(name, embedded)`` of every font the PDF uses."""
        lines = subprocess.run(["pdffonts", self.path], capture_output=True, text=True, check=True).stdout
        rows = lines.splitlines()[2:]
        # Columns: name, type (several words), encoding, emb, sub, uni, object number, generation.
        return [(row.split()[0], row.split()[-5] == "yes") for row in rows]

    def images(self, prefix, *, first=1, last=4):
        """Render pages ``first``…``last`` to PNGs under test-artifacts/print/ for a person to look at."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob(f"{prefix}-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), self.path, ARTIFACTS / prefix],
            check=True,
        )
        return sorted(ARTIFACTS.glob(f"{prefix}-*.png"))


def squeezed(text):
    """``text`` without white space: a title broken over two lines reads as one again."""
    return re.sub(r"\s+", "", text)


def require_poppler():
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        reason = f"{'、'.join(missing)} not found: apt-get install poppler-utils to read the PDFs back"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def read_pdf(tmp_path):
    """``read_pdf(bytes or path)`` → :class:`Pdf`."""
    require_poppler()

    def read(content):
        path = Path(content) if isinstance(content, (str, Path)) else tmp_path / "read.pdf"
        if not isinstance(content, (str, Path)):
            path.write_bytes(content)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
        return Pdf(path, text.split("\f")[:-1])

    return read
