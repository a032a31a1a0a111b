"""Notebooks select rows of the course data by code, never by name: the loaders give the
name columns in the trainee's language, so `dest["un_subregion"] == "Western Africa"` finds
nothing in French or Spanish (Module 1 notebook 1 failed there in self-study)."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT, instructor_notebooks

from toolbox_widgets import data

# The name columns that data.load() translates (data.NAME_COLUMNS and REGION_COLUMNS).
NAMES = "|".join(["country", "sending_country", "receiving_country", "un_region",
                  "un_subregion", "wb_region"])
# A name column compared with words written in the code, or used in a query string. (A
# comparison with a value read from the same column, as in a loop over its names, is fine.)
BY_NAME = re.compile(rf"""\[\s*["']({NAMES})["']\s*\]\s*"""
                     rf"""((==|!=)\s*(tr\()?["']|\.isin\(\s*\[\s*["']|\.str\.)"""
                     rf"""|query\(\s*["'][^"']*\b({NAMES})\b""")


@pytest.mark.parametrize("path", instructor_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_selection_by_name(path):
    found = [f"cell {cell.get('id')}: {line.strip()}"
             for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
             for line in cell.source.splitlines() if BY_NAME.search(line)]
    assert not found, ("rows selected by a name column, which is translated; select by its "
                       "code column (iso3 ...) instead:\n" + "\n".join(found))


def test_the_scan_sees_a_selection_by_name():
    assert BY_NAME.search('west = dest[(dest["un_subregion"] == "Western Africa")]')
    assert BY_NAME.search("stock.query('country == \"Senegal\"')")
    assert BY_NAME.search('pairs[pairs["sending_country"].isin(["France", "Italy"])]')
    assert not BY_NAME.search('west = dest[dest["iso3"].isin(WESTERN_AFRICA)]')
    assert not BY_NAME.search('rows = steps[steps["country"] == country]')


def test_western_africa_codes_are_the_subregion():
    """Module 1 notebook 1's list of codes is UN DESA's subregion, as the English table names it."""
    cell = next(c for c in nbformat.read(ROOT / "notebooks/module1/01_local_development.ipynb",
                                         as_version=4).cells if c.get("id") == "f-region")
    namespace: dict = {}
    exec(next(s for s in cell.source.split("\n\n") if s.startswith("# The countries")), namespace)
    stock = data.migrant_stock(by="destination")  # the tests' kernel speaks English
    english = stock[(stock["un_subregion"] == "Western Africa") & (stock["area_type"] == "country")]
    assert sorted(namespace["WESTERN_AFRICA"]) == sorted(english["iso3"].unique())
