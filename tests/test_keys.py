"""The keys are recorded from the instructor's notebooks in kernels forked from one warm
zygote per core (keys.py): each notebook still gets a fresh kernel of its own."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets.grading.keys import KeysError, Recorder, record_all, recorded_keys


def write(folder: Path, name: str, *cells: str) -> Path:
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    return path


def test_each_notebook_records_in_a_fresh_kernel(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    first = write(source, "a.ipynb", "leftover = 1")
    # Fails (and so raises KeysError) if it runs in the kernel of the notebook before.
    second = write(source, "b.ipynb", "assert 'leftover' not in globals()",
                   "import os; assert os.path.exists('a.ipynb')")  # in a copy of its folder
    with Recorder(source) as recorder:
        assert recorded_keys(first, tmp_path / "cache", recorder=recorder) == {}
        assert recorded_keys(second, tmp_path / "cache", recorder=recorder) == {}


def test_a_failing_cell_of_the_instructor_notebook_is_named(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    write(source, "a.ipynb", "x = 1")
    broken = write(source, "b.ipynb", "raise ValueError('no data')")
    with pytest.raises(KeysError, match=r"b\.ipynb: cell #0 .*ValueError: no data"):
        record_all([source / "a.ipynb", broken], tmp_path / "cache", workers=2)


def test_shared_recorder_records_what_a_recorder_of_its_own_records(tmp_path):
    notebook = sorted((ROOT / "source" / "core").glob("01_*.ipynb"))[0]
    alone = recorded_keys(notebook, tmp_path / "alone")
    record_all([notebook], tmp_path / "shared", workers=1)
    assert alone and recorded_keys(notebook, tmp_path / "shared") == alone
