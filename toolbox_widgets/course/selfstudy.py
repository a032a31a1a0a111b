"""The self-study version: release/ plus the hidden tests, for a learner without an instructor.

It is made from nbgrader's student version (solutions already replaced by a stub) and the
instructor's test cells:

* every test cell gets its hidden tests back, collapsed, without the nbgrader markers;
  there ``q.grade(key, why=...)`` hands the key and the explanation to the exercise's
  "Check my answer" instead of printing a grade;
* the workbook is made with ``self_study=True``;
* nbgrader's cell metadata goes (nothing here is collected or graded); locked cells
  stay locked; the notebook's metadata ``self_study.points`` keeps what its score line
  counts (the graded exercises, not the code tasks or reflections), for the overview's
  points table (trainee/overview.py);
* a Markdown cell tagged ``class`` (it speaks of submitting, Validate, a tutor's marks) is
  replaced by the whole cell tagged ``self-study`` that follows it in the instructor's
  notebook. Authors write both versions in full, so translators get whole sentences
  (catalogs.py extracts both); release/ leaves the self-study cells out (student_view.py).

release/ is not touched: the class version keeps no key and no explanation.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

TREE = "selfstudy"
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) HIDDEN TESTS[ \t]*\n?", re.MULTILINE)
# Workbook("core_01_why_local") or, in a translated build, Workbook("…", language="fr")
CODE_TASK = re.compile(r"\.code_task\(\s*[\"']([^\"']+)[\"']")
WORKBOOK = re.compile(r"\bWorkbook\(\s*([\"'][^\"']+[\"'](?:,\s*language=[\"']\w+[\"'])?)\s*\)")


def _test_sources(instructor: Path) -> dict[str, str]:
    notebook = nbformat.read(instructor, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}


def _self_study_texts(instructor: Path) -> dict[str, str]:
    """Class cell id -> the Markdown the self-study version shows instead."""
    cells = nbformat.read(instructor, as_version=4).cells
    texts = {}
    for before, cell in zip([None, *cells], cells):
        if "self-study" not in cell.metadata.get("tags", []):
            continue
        if before is None or "class" not in before.metadata.get("tags", []):
            raise RuntimeError(
                f"{instructor.name}: the cell tagged self-study ({cell.source[:40]!r}…) must "
                "come right after the cell it replaces, tagged class.")
        texts[before.get("id")] = cell.source
    return texts


def self_study_notebook(student: Path, instructor: Path):
    """The self-study version of one notebook, from its student and instructor versions."""
    notebook = nbformat.read(student, as_version=4)
    tests = _test_sources(instructor)
    texts = _self_study_texts(instructor)
    made_workbook = False
    code_tasks = {task for cell in notebook.cells if cell.cell_type == "code"
                  for task in CODE_TASK.findall(cell.source)}
    scored = 0.0
    for cell in notebook.cells:
        meta = cell.metadata.pop("nbgrader", {})
        if meta.get("grade") and not meta.get("task") and (
                meta.get("grade_id", "").removesuffix("_test") not in code_tasks):
            scored += float(meta.get("points", 0))
        if cell.get("id") in texts:
            cell.source = texts[cell.get("id")]
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "class"]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        if cell.cell_type != "code":
            continue
        if meta.get("grade") and meta.get("grade_id") in tests:
            cell.source = MARKER.sub("", tests[meta["grade_id"]]).rstrip("\n")
            # Collapsed: the learner sees the feedback, not the key, unless they look.
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        cell.source, found = WORKBOOK.subn(r"Workbook(\1, self_study=True)", cell.source)
        made_workbook = made_workbook or bool(found)
    if tests and not made_workbook:
        raise RuntimeError(
            f"{instructor.name} has graded cells but no `Workbook(\"name\")` call, so its "
            "self-study version could not be made. Write the setup cell as "
            '`book = Workbook("module_nn_name")`.')
    notebook.metadata["self_study"] = {"points": scored}
    return notebook


def build_self_study(root: Path, assignment: str) -> None:
    """selfstudy/<assignment>/ from release/<assignment>/ and source/<assignment>/."""
    release, source = root / "release" / assignment, root / "source" / assignment
    target = root / TREE / assignment
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(release, target, ignore=shutil.ignore_patterns("*.ipynb"))
    for student in sorted(release.rglob("*.ipynb")):
        relative = student.relative_to(release)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(self_study_notebook(student, source / relative), target / relative)
