"""A small class in a real nbgrader gradebook, for the journey and the certificates.

    core (or core_fr): 01_why_local q1 4 points, 02_words_matter q1 4 + r1 2 (by hand),
                       03_two_way_link q1 4: 14 points
    module1:           01_plans q1 5 points

    ana   Ana Núñez         core 4 4+2 4 (14, finished, passed); module1 5 (passed)
    fran  Françoise Çelik-Muñoz core_fr 4 4 0 (8: stops at 03, not passed)
    bob   Bob Smith         core 4 0 0 (stops at 02)
    eve   Eve Ng            core 2 0 0 (stops at 02)
    cy    Cy                core 1 1 1 (3: finished, not passed)
    dee   Dee Okafor        nothing submitted
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime

import pytest
from conftest import tool_env

NOTEBOOKS = {"core": [("01_why_local", 4), ("02_words_matter", 4), ("03_two_way_link", 4)],
             "module1": [("01_plans", 5)]}
SCORES = {  # trainee: (assignment, [score of q1 per notebook], written r1 score or None)
    "ana": [("core", [4, 4, 4], 2), ("module1", [5], None)],
    "fran": [("core_fr", [4, 4, 0], None)],
    "bob": [("core", [4, 0, 0], None)],
    "eve": [("core", [2, 0, 0], None)],
    "cy": [("core", [1, 1, 1], 0)],
}
NAMES = {"ana": ("Ana", "Núñez"), "fran": ("Françoise", "Çelik-Muñoz"),
         "bob": ("Bob", "Smith"), "eve": ("Eve", "Ng"), "cy": ("Cy", ""), "dee": ("Dee", "Okafor")}


@pytest.fixture(scope="session")
def class_book(tmp_path_factory):
    """The class above, made once (a gradebook takes seconds to fill): copy it to change it."""
    folder = tmp_path_factory.mktemp("classbook")
    class_gradebook(folder)
    return folder / "gradebook.db"


@pytest.fixture
def class_url(class_book, tmp_path) -> str:
    """A copy of the class's gradebook for one test, as a URL."""
    shutil.copy(class_book, tmp_path / "gradebook.db")
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


def class_gradebook(folder) -> str:
    """The class above in folder/gradebook.db; returns its URL."""
    from nbgrader.api import Gradebook

    os.environ["PATH"] = tool_env()["PATH"]  # nbgrader calls alembic by name
    url = f"sqlite:///{folder / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        for assignment in ("core", "core_fr", "module1"):
            gradebook.add_assignment(assignment)
            for notebook, points in NOTEBOOKS[assignment.split("_")[0]]:
                gradebook.add_notebook(notebook, assignment)
                gradebook.add_grade_cell("q1_test", notebook, assignment, max_score=points,
                                         cell_type="code")
                if notebook == "02_words_matter":
                    gradebook.add_grade_cell("r1_task", notebook, assignment, max_score=2,
                                             cell_type="markdown")
        for student, (first, last) in NAMES.items():
            gradebook.add_student(student, first_name=first, last_name=last)
        for student, taken in SCORES.items():
            for assignment, scores, written in taken:
                gradebook.add_submission(assignment, student, timestamp=datetime(2026, 12, 1))
                notebooks = NOTEBOOKS[assignment.split("_")[0]]
                for (notebook, _), score in zip(notebooks, scores):
                    gradebook.find_grade("q1_test", notebook, assignment, student
                                         ).auto_score = score
                    if notebook == "02_words_matter" and written is not None:
                        gradebook.find_grade("r1_task", notebook, assignment, student
                                             ).manual_score = written
                gradebook.db.commit()
    return url
