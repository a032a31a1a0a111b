"""What Core's Markdown tells the trainee about scoring, and about who reads their work,
is what the course does (issue 9, 11).

The scorer's rules are proven in test_scoring.py; here the notebooks' sentences are tied to
them: one wording per rule, and each wording is checked against the scorer."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets.course import layout
from toolbox_widgets.trainee.scoring import normalize, score

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))  # every module's, Core's first
# Self-study notebooks of the English modules (a translation says the same in its language).
ENGLISH_STUDY = [p for p in sorted((ROOT / "selfstudy").glob("*/0[1-9]_*.ipynb"))
                 if not layout.language_of(p.parent.name)]
PARTIAL_CREDIT = re.compile(r"book\.(multiple_choice|matching|ordering)\(")

# The one wording of each rule, as every Core notebook says it.
MULTIPLE = ("each right tick earns its share and each wrong tick takes part of it back, so "
            "ticking every box earns nothing")
ORDERING = ("each pair of items in the right order earns its share, so an item one place off "
            "costs only a little")
MATCHING = "each correct pair earns its share"
# What the scorer does not do: no "position" rule for ordering, no "cancelling" tick.
WRONG_RULES = re.compile(r"right position|right place|cancel", re.IGNORECASE)

OPTIONS = {f"option_{n}": f"Option {n}" for n in range(1, 6)}


def _share(definition, value, key) -> float:
    return score(definition, normalize(definition, value), normalize(definition, key))[0]


def test_the_multiple_choice_wording_is_what_the_scorer_does():
    mc = {"kind": "multiple_choice", "id": "q", "points": 2, "options": OPTIONS}
    key = ["option_1", "option_2"]
    # "each right tick earns its share"
    assert _share(mc, ["option_1"], key) == pytest.approx(1 / 2)
    # "each wrong tick takes part of it back": less than before, but not a whole right tick
    with_wrong = _share(mc, ["option_1", "option_2", "option_3"], key)
    assert 1 / 2 < with_wrong < 1
    # "ticking every box earns nothing"
    assert _share(mc, list(OPTIONS), key) == 0


def test_the_ordering_wording_is_what_the_scorer_does():
    items = {f"item_{n}": f"Item {n}" for n in range(1, 6)}
    ordering = {"kind": "ordering", "id": "q", "points": 2, "items": items}
    key = list(items)
    one_place_off = [key[1], key[0], *key[2:]]  # no item in its right position but three
    assert _share(ordering, one_place_off, key) == pytest.approx(9 / 10)  # "only a little"
    assert _share(ordering, list(reversed(key)), key) == 0


def _exercise_after(cells, index) -> str:
    """The kind of the first exercise built after Markdown cell `index`."""
    for cell in cells[index + 1:]:
        found = re.search(r"\bbook\.(multiple_choice|ordering|matching)\(", cell.source)
        if cell.cell_type == "code" and found:
            return found.group(1)
        if cell.cell_type == "code" and re.search(r"\bbook\.\w+\(", cell.source):
            return ""
    return ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_notebook_states_each_scoring_rule_in_its_one_wording(path):
    cells = nbformat.read(path, as_version=4).cells
    stated = 0
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        text = " ".join(cell.source.split())
        where = f"{path.name} {cell.get('id')}"
        assert not WRONG_RULES.search(text), f"{where}: says a rule the scorer does not apply"
        if "**partial credit**:" in text:  # the rules of every exercise, in one sentence
            stated += 1
            assert MULTIPLE in text, where
            assert ("ordering" not in text) or ORDERING in text, where
            assert MATCHING in text, where
        if "Partial credit:" in text:  # one exercise's rule, above it
            stated += 1
            wording = {"multiple_choice": MULTIPLE, "ordering": ORDERING,
                       "matching": MATCHING}.get(_exercise_after(cells, index))
            assert wording and f"Partial credit: {wording}" in text, where
    partial = any(PARTIAL_CREDIT.search(c.source) for c in cells if c.cell_type == "code")
    if partial and path.name not in ("06_case_study_bicol.ipynb",):  # 06 refers to notebook 1
        assert stated, f"{path.name} says nowhere how partial credit is given"


# Who reads, marks or receives work: none of it exists in the self-study version.
CLASSROOM = re.compile(
    r"\b(?:[Tt]utor\w*|[Tt]uteur\w*|[Tt]utrice\w*|[Ii]nstructor\w*|[Ii]nstructeur\w*|"
    r"[Ff]ormat(?:eur|rice)\w*|[Ff]ormador\w*|[Ss]ubmi\w*|Validate|Valider|Validar|"
    r"[Rr]emettez|[Rr]emise|[Ee]ntreg(?:ue|ar)\w*)\b")


def _classroom_words(tree: str) -> list[str]:
    found = []
    for path in sorted((ROOT / tree).glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            found += [f"{path.parent.name}/{path.name} {cell.get('id')}: {m.group(0)!r}"
                      for m in CLASSROOM.finditer(cell.source)]
    return found


def test_the_self_study_build_names_no_tutor_and_no_submitting_in_any_language():
    assert _classroom_words("selfstudy") == []
    # The same search finds the class version's words, in all three languages.
    found = " ".join(_classroom_words("release"))
    for folder in ("core/", "core_fr/", "core_es/"):
        assert folder in found


def test_self_study_reflections_are_for_the_learner_with_the_rubric_as_a_guide():
    for path in ENGLISH_STUDY:
        study = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        release = "\n".join(c.source for c in nbformat.read(
            ROOT / "release" / path.parent.name / path.name, as_version=4).cells)
        assert "(for you, not scored)" in study and "**How to judge your answer:**" in study
        assert "| Points | What the answer shows |" in study, path.name  # the rubric stays
        assert "How your tutor marks it (3 points)" in release, path.name
        assert "please report any error to the course team" in study.replace("\n", " ").lower()


def test_the_self_study_points_table_adds_up_to_what_the_score_line_counts():
    for path in ENGLISH_STUDY:
        notebook = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in notebook.cells)
        rows = re.findall(r"^\| [qrtsp][\w, ]* \|.*\| (\d+) \|$", text, re.MULTILINE)
        total = re.search(r"^\| \| \*\*Total\*\* \| \| \*\*(\d+)\*\* \|$", text, re.MULTILINE)
        scored = notebook.metadata["self_study"]["points"]
        assert int(total.group(1)) == sum(map(int, rows)) == scored, path.name
