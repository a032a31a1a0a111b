"""The course's layout, in one place: which folders are assignments, how a notebook maps to
its assignment and language, the workbook (answers-file) name of each notebook, the files
never copied, and what makes a folder a course folder.

The build, grading, deploy, benchmarks and tests use it; a trainee's kernel never does
(the kernel learns its language from its notebook's setup cell, ``Workbook(…, language=…)``).

    notebooks/<module>/*.ipynb            English, the only notebooks authors edit
    source/<assignment>/, release/…, selfstudy/…
        <assignment> = <module>            English: core
                     | <module>_<lang>     a released language: core_fr, core_es
"""

from __future__ import annotations

import fnmatch
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

MODULES = ("core", "module1", "module2", "module3", "module4", "module5")
CONFIG = "nbgrader_config.py"
AUTHORED = ("notebooks", "locales")  # what authors and translators edit; the rest is built
TREES = ("source", "release", "selfstudy")  # what the build writes, one folder per assignment
# Files that running a notebook leaves behind; they never travel to trainees or into a
# scratch copy of the course.
NEVER_COPIED = ("*.answers.json", "*.answers.corrupt-*", "*.answers*.json", ".*", "__pycache__",
                "*.pyc", ".ipynb_checkpoints", "gradebook.db", "*.tmp",
                "migration_profile_*")  # profiles saved by Module 1's profile builder
LANGUAGE = re.compile(r"[a-z]{2,3}")  # fr, es, qps: the folder names of locales/
WORKBOOK = re.compile(r"\bWorkbook\(\s*(['\"])([^'\"]+)\1")


class LayoutError(Exception):
    """A course folder that cannot be built as it is; the message names the files and the fix."""


@dataclass(frozen=True)
class Assignment:
    name: str  # core, core_fr
    folder: Path  # where its (English) instructor notebooks are authored
    language: str | None = None  # None for English

    @property
    def module(self) -> str:
        return self.folder.name


def assignment_name(module: str, language: str | None = None) -> str:
    """core + fr -> core_fr; English keeps the module's name."""
    return f"{module}_{language}" if language else module


def split_assignment(name: str) -> tuple[str, str | None]:
    """core_fr -> (core, fr); core -> (core, None)."""
    module, _, language = name.rpartition("_")
    if module in MODULES and LANGUAGE.fullmatch(language):
        return module, language
    return name, None


def module_of(name: str) -> str:
    """The module an assignment belongs to: core_fr counts as core (one gradebook column)."""
    return split_assignment(name)[0]


def language_of(name: str) -> str | None:
    return split_assignment(name)[1]


def find_assignments(root: Path) -> list[Assignment]:
    """English modules that have notebooks, then every released language of them."""
    from . import catalogs  # catalogs reads locales/<lang>/released

    notebooks = root / "notebooks"
    found = [Assignment(module, notebooks / module) for module in MODULES]
    found = [a for a in found if a.folder.is_dir() and any(a.folder.glob("*.ipynb"))]
    return found + [Assignment(assignment_name(a.name, language), a.folder, language)
                    for language, modules in catalogs.released(root).items()
                    for a in found if a.name in modules]


def never_copied(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in NEVER_COPIED)


def ignore_never_copied(_folder, names) -> set[str]:
    """For shutil.copytree(..., ignore=ignore_never_copied)."""
    return {name for name in names if never_copied(name)}


def course_problem(root: Path, authored: bool = True) -> str:
    """Why root is not a course folder, in one sentence; "" when it is one. Building needs
    the authored notebooks; grading (authored=False) only nbgrader's configuration."""
    needs = [CONFIG, "notebooks/"] if authored else [CONFIG]
    if (root / CONFIG).is_file() and (not authored or (root / "notebooks").is_dir()):
        return ""
    return (f"{root} is not a course folder: it needs {' and '.join(needs)}. Run the command "
            "from the repository's top folder, or pass --root.")


def is_course(root: Path) -> bool:
    return not course_problem(root)


def scratch_course(root: Path, target: Path, trees: tuple[str, ...] = AUTHORED,
                   notebooks: tuple[str, ...] = ()) -> Path:
    """Copy what a build needs from the course at root into target (created if needed):
    the nbgrader configuration and the given trees, without anything in NEVER_COPIED.
    notebooks, patterns such as "core/01_*.ipynb", keeps only those authored notebooks
    (a short course for a test or a benchmark)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG, target / CONFIG)

    def ignore(folder, names):
        skipped = ignore_never_copied(folder, names)
        if notebooks and Path(folder).parent == root / "notebooks":
            module = Path(folder).name
            skipped |= {n for n in names if n.endswith(".ipynb") and not any(
                fnmatch.fnmatch(f"{module}/{n}", pattern) for pattern in notebooks)}
        return skipped

    for tree in trees:
        if (root / tree).is_dir():
            shutil.copytree(root / tree, target / tree, ignore=ignore)
    return target


def workbook_name(notebook) -> str | None:
    """The answers-file name a notebook's setup cell gives Workbook("…"), or None."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            found = WORKBOOK.search(cell.source)
            if found:
                return found.group(2)
    return None


def answers_file(workbook: str) -> str:
    return f"{workbook}.answers.json"


def workbook_names(folder: Path) -> dict[str, Path]:
    """{workbook name: notebook} for a folder of notebooks. Two notebooks that share one
    answers file would overwrite each other's answers: LayoutError names both."""
    import nbformat

    names: dict[str, Path] = {}
    for path in sorted(folder.glob("*.ipynb")):
        name = workbook_name(nbformat.read(path, as_version=4))
        if name is None:
            continue
        if name in names:
            raise LayoutError(
                f"{names[name]} and {path} both use Workbook(\"{name}\"), so they would share "
                f"the answers file {answers_file(name)}. Give each notebook its own name.")
        names[name] = path
    return names
