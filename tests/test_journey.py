"""The class journey on the instructor dashboard: started, finished, passed and where
trainees stop, per module, from the gradebook."""

from __future__ import annotations

import classbook
import pytest
from conftest import ROOT

from toolbox_widgets.grading.journey import class_journey

class_book, class_url = classbook.class_book, classbook.class_url  # the class's gradebook


def test_the_class_journey_counts_each_stage_from_the_gradebook(class_url):
    core, module1 = class_journey(class_url, pass_share=0.7)
    assert core.module == "core" and core.trainees == 6  # dee is in the class, no submission
    assert core.started == 5  # core and core_fr are one module
    assert core.finished == 2  # ana; cy (a point in every notebook, however few)
    assert core.passed == 1  # ana 14 of 14; fran 8 (57%), not enough
    assert core.stop == ("02_words_matter", 2)  # bob and eve; fran stops at 03
    assert core.stops["03_two_way_link"] == 1
    assert (module1.started, module1.finished, module1.passed, module1.stop) == (1, 1, 1, None)
    words = core.words(70)
    assert words.startswith("core: 5 of 6 trainees started, 2 finished, 1 passed (at least "
                            "70% of the points); of those who did not finish, 2 stop at "
                            "02_words_matter")


def test_the_pass_mark_moves_who_passed(class_url):
    url = class_url
    assert class_journey(url, pass_share=0.5)[0].passed == 2  # fran's 8 of 14 now passes
    assert class_journey(url, pass_share=1.0)[0].passed == 1


def test_an_empty_gradebook_has_no_journey(tmp_path, monkeypatch):
    from conftest import tool_env
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", tool_env()["PATH"])
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url):
        pass
    assert class_journey(url) == []


@pytest.mark.slow
def test_the_dashboard_shows_the_journey_in_a_chart_and_in_words(class_url, tmp_path):
    papermill = pytest.importorskip("papermill")
    database = class_url.removeprefix("sqlite:///")
    papermill.execute_notebook(str(ROOT / "instructor" / "dashboard.ipynb"),
                               str(tmp_path / "out.ipynb"), kernel_name="python3",
                               cwd=str(tmp_path), parameters={"gradebook_path": database,
                                                              "pass_mark": 50})
    text = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "The class journey per module" in text  # the chart's title
    assert ("The class journey per module: core: 5 of 6 trainees started, 2 finished, "
            "2 passed (at least 50% of the points)") in text  # its words, at the pass mark
    assert "Notebook most left unfinished" in text and "02_words_matter" in text
