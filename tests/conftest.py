"""Shared fixtures: the repository, and a scratch course built from notebooks/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))


def instructor_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def student_notebooks() -> list[Path]:
    return sorted((ROOT / "release").glob("*/*.ipynb"))


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd,
                            capture_output=True, text=True, env=tool_env(), check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_course(tmp_path_factory) -> Path:
    """A course folder built from notebooks/ with its own gradebook."""
    root = layout.scratch_course(ROOT, tmp_path_factory.mktemp("course"))
    subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root", str(root)],
                   check=True, capture_output=True, env=tool_env())
    return root


def marked_processes(mark: str) -> list[int]:
    """Processes other than this one whose environment holds MLD_GRADE_TEST_MARK=mark:
    the test modules mark what they start, and check that none of it outlives them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if f"MLD_GRADE_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            pass
    return found
