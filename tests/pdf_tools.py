"""Reading the course's PDFs in tests with poppler-utils: their text, pages and a picture."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def poppler(program: str) -> str:
    """pdftotext / pdftoppm (poppler-utils); missing: skipped here, a failure in CI."""
    found = shutil.which(program)
    if not found:
        message = f"{program} is not installed (Debian: apt-get install poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the PDF checks must run in CI)")
        pytest.skip(message)
    return found


def pdf_text(path: Path, *, layout: bool = False) -> str:
    options = ["-layout"] if layout else []
    result = subprocess.run([poppler("pdftotext"), *options, str(path), "-"],
                            capture_output=True, text=True, check=True)
    return result.stdout


def pdf_pages(path: Path) -> int:
    return pdf_text(path).count("\f")


def render(path: Path, png: Path) -> Path:
    """The first page as a PNG at 110 dpi."""
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "110", "-f", "1", "-l", "1",
                    "-singlefile", str(path), str(png.with_suffix(""))], check=True)
    return png
