"""Build nbgrader's instructor tree (source/) and student tree (release/) from notebooks/,
and the self-study version (selfstudy/, see selfstudy.py) from those two.

notebooks/ is the only place authors edit. Each module folder becomes one nbgrader
assignment. A language released for a module in locales/<lang>/released becomes the
assignment <module>_<lang> (for example core_fr), built from the English notebooks and
the catalog locales/<lang>/LC_MESSAGES/<module>.po (toolbox_widgets/course/catalogs.py).
"""

from __future__ import annotations

import filecmp
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from . import catalogs, glossary_catalog, layout
from .layout import find_assignments
from .selfstudy import TREE as SELF_STUDY
from .selfstudy import build_self_study
from . import student_version
from .student_version import generate_assignment
from .student_view import collapse_builder_code
from ..trainee.page_style import ANSWER_STUB


def tool_env() -> dict[str, str]:
    """The environment for nbgrader's subprocesses: it calls `alembic` by name, so
    this Python's scripts folder must be on PATH even in an unactivated venv."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


def _copy_clean(source: Path, destination: Path) -> None:
    """Copy an authored folder; notebooks lose outputs and execution counts."""
    destination.mkdir(parents=True)
    for item in sorted(source.iterdir()):
        if layout.never_copied(item.name):
            continue
        target = destination / item.name
        if item.is_dir():
            _copy_clean(item, target)
        elif item.suffix == ".ipynb":
            notebook = nbformat.read(item, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    cell.execution_count = None
            nbformat.write(notebook, target)
        else:
            shutil.copy2(item, target)


def _remove_stale(tree: Path, keep: set[str]) -> None:
    if tree.is_dir():
        for child in tree.iterdir():
            if child.name not in keep:
                shutil.rmtree(child) if child.is_dir() else child.unlink()


def build(root: Path, gradebook: bool = True) -> list[str]:
    """(Re)build source/, release/ and selfstudy/ under root. Returns the assignment names.
    Without gradebook, nbgrader does not record the graded cells in root's gradebook.db
    (a scratch build that only makes the files, see student_version.py)."""
    assignments = find_assignments(root)
    names = {a.name for a in assignments}
    for assignment in assignments:
        if not assignment.language:  # two notebooks sharing an answers file stop the build
            layout.workbook_names(assignment.folder)
    catalogs.write_templates(root, [a.name for a in assignments if not a.language])
    glossary_catalog.write_template(root)
    glossary_catalog.write_languages(root)
    for tree in ("source", "release", SELF_STUDY):
        _remove_stale(root / tree, names)
    # Each assignment is built whole by one process of a pool, side by side on every core:
    # its trees are its own. One lock keeps gradebook.db to one writer at a time.
    context = _pool_context()
    if context.get_start_method() == "fork":
        student_version.preload()
    lock = context.Lock()
    with ProcessPoolExecutor(max(1, min(len(assignments), workers())), context,
                             initializer=_start_worker, initargs=(lock,)) as pool:
        futures = [pool.submit(_build_assignment, root, a, gradebook) for a in assignments]
        try:
            for future in futures:  # in the assignments' order: the first error is raised
                future.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return sorted(names)


def workers() -> int:
    """How many assignments are built side by side: one per core, or MLD_BUILD_WORKERS
    (benchmarks/build.py compares)."""
    return int(os.environ.get("MLD_BUILD_WORKERS") or os.cpu_count() or 1)


def _pool_context():
    """Fork, so that the workers share what this process has imported already; a process
    with other threads running (a test session running notebooks) cannot be forked
    safely, so its workers start afresh."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_WORKER: dict = {}  # what a worker of the pool is given when it starts


def _start_worker(lock) -> None:
    _WORKER["gradebook lock"] = lock
    os.environ.update(tool_env())  # nbgrader runs `alembic` by name when it makes a gradebook


def _build_assignment(root: Path, assignment: layout.Assignment, gradebook: bool) -> None:
    """source/, release/ and selfstudy/ of one assignment."""
    target = root / "source" / assignment.name
    if target.exists():
        shutil.rmtree(target)
    _copy_clean(assignment.folder, target)
    if assignment.language:  # a release build: stops on any gap in the catalog
        catalogs.translate_folder(target, root, assignment.language,
                                  assignment.folder.name, release=True)
    # nbgrader's own generate_assignment makes the student version and records the graded
    # cells in the course's gradebook.db (not in git), ready for autograde.
    # Where the solution was, nbgrader's stub, in the assignment's language.
    stub = "# " + catalogs.package_translation(root, assignment.language, ANSWER_STUB)
    if gradebook:
        with _WORKER["gradebook lock"]:
            generate_assignment(root, assignment.name, stub)
    else:
        generate_assignment(root, assignment.name, stub, gradebook=False)
    for notebook in sorted((root / "release" / assignment.name).glob("*.ipynb")):
        collapse_builder_code(notebook)
    build_self_study(root, assignment.name)


def _tree_files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def stale_files(root: Path) -> list[str]:
    """Build into a scratch copy and list generated files that differ from root's."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = layout.scratch_course(root, Path(folder) / "course")
        try:
            build(scratch, gradebook=False)  # its gradebook is thrown away
        except catalogs.CatalogError as error:  # e.g. English changed, translation not yet
            return [str(error)]
        problems = []
        for tree in ("source", "release", SELF_STUDY, catalogs.LOCALES, catalogs.COMPILED):
            fresh, committed = _tree_files(scratch / tree), _tree_files(root / tree)
            problems += [f"{tree}/{f} is missing" for f in sorted(fresh - committed)]
            problems += [f"{tree}/{f} should not be there" for f in sorted(committed - fresh)]
            problems += [f"{tree}/{f} is out of date" for f in sorted(fresh & committed)
                         if not filecmp.cmp(scratch / tree / f, root / tree / f, shallow=False)]
        return problems
