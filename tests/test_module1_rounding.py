"""Module 1 notebook 5, exercise q3: a ratio asked "with one decimal". However the trainee
rounds it (to the nearest, up, down, or keeping two decimals) the answer earns the point;
a wrong figure does not, nor a blank.

The class version's exercise cell and the instructor's hidden test run in this process, with
a real answers file (no kernel: fast)."""

from __future__ import annotations

import contextlib
import io
import math

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets import Workbook, data, tr
from toolbox_widgets.trainee import scoring

NAME = "05_assessment_tools.ipynb"


def _cell(tree: str, cell_id: str) -> str:
    cells = nbformat.read(ROOT / tree / "module1" / NAME, as_version=4).cells
    return next(c.source for c in cells if c.get("id") == cell_id)


def _exact() -> float:
    origin, dest = data.migrant_stock(by="origin"), data.migrant_stock(by="destination")
    out = float(origin.query("iso3 == 'BRA' and year == 2024")["emigrants"].iloc[0])
    inn = float(dest.query("iso3 == 'BRA' and year == 2024")["migrants"].iloc[0])
    return out / inn


@pytest.fixture
def q3(tmp_path):
    """Points earned by an answer, as the grader scores them: the saved answer against the
    key and tolerance the instructor's hidden test gives."""
    book = Workbook("module1_05_assessment_tools", folder=tmp_path)
    namespace = {"book": book, "data": data, "tr": tr}
    exec(_cell("release", "q3-answer"), namespace)  # the class version: no solution in it
    exercise = namespace["q3"]
    hidden = {}
    exercise.grade = lambda key, why="", **options: hidden.update(key=key, **options)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(_cell("source", "q3-test"), namespace)  # the instructor's, with the hidden test

    def earned(answer) -> float:
        if answer is not None:
            with contextlib.redirect_stdout(io.StringIO()):
                exercise.answer(answer)
        saved = book.store.get("q3")
        if saved is None:
            return 0.0
        return scoring.grade(exercise.definition(), saved, hidden["key"],
                             tolerance=hidden["tolerance"])[0]

    return earned


def test_the_prompt_asks_for_one_decimal():
    assert "**with one decimal**" in _cell("notebooks", "q3-intro")


def test_every_way_of_rounding_earns_the_point_and_a_wrong_figure_does_not(q3):
    exact = _exact()
    for right in (round(exact, 1), math.floor(exact * 10) / 10, math.ceil(exact * 10) / 10,
                  round(exact, 2), round(exact, 3)):
        assert q3(right) == 1, right
    for wrong in (round(1 / exact, 2), round(exact, 1) + 0.2, round(exact, 1) - 0.2, 0):
        assert q3(wrong) == 0, wrong


def test_a_blank_answer_earns_nothing(q3):
    assert q3(None) == 0


def test_the_tolerance_covers_any_rounding_whatever_the_figure():
    """The key is the figure to two decimals and the tolerance 0.1 (as the hidden test
    writes them): for any figure, its one-decimal roundings up and down stay within it,
    where the old 0.05 around a two-decimal key lost some of them."""
    definition = {"kind": "number", "id": "q3", "unit": "", "tolerance": 0.0, "points": 1}
    hidden = _cell("source", "q3-test")
    assert "round(_out / _in, 2), tolerance=0.1," in hidden
    lost_before = 0
    for n in range(1000, 3000, 7):  # figures from 1.000 to 2.993
        figure = n / 1000
        key = round(figure, 2)
        for rounded in (math.floor(figure * 10) / 10, math.ceil(figure * 10) / 10,
                        round(figure, 1)):
            assert scoring.grade(definition, rounded, key, tolerance=0.1)[0] == 1, figure
            lost_before += scoring.grade(definition, rounded, key, tolerance=0.05)[0] == 0
        assert scoring.grade(definition, round(figure + 0.25, 1), key, tolerance=0.1)[0] == 0
    assert lost_before > 0  # the fragility this tolerance removes
