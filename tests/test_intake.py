"""`mld grade` takes a submission's files as data: regular files only, each under a cap;
a broken notebook or timestamp costs only itself; a deeply nested answers file is a plain
message. Fast: no kernel, no sandbox."""

from __future__ import annotations

import json
import os
import stat

import nbformat
import pytest

from toolbox_widgets.trainee.answers import AnswerStore
from toolbox_widgets.grading import intake
from toolbox_widgets.grading.intake import SubmissionRefused, read_regular_files, take

MIB = 1024 * 1024


def _notebook() -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(1)")])).encode()


@pytest.fixture
def course(tmp_path):
    """A submission folder next to files it must never reach."""
    secret = tmp_path / "gradebook.db"
    secret.write_bytes(b"SQLite format 3\0 SECRET")
    root_only = tmp_path / "root-only.txt"
    root_only.write_text("ROOT ONLY")
    root_only.chmod(0o600)
    folder = tmp_path / "submitted" / "t" / "core"
    folder.mkdir(parents=True)
    (folder / "01_why_local.ipynb").write_bytes(_notebook())
    (folder / "notes.txt").write_text("mine")
    return tmp_path, folder


def test_only_regular_files_are_taken_and_every_other_is_named(course):
    root, folder = course
    instructor = root / "source.ipynb"
    instructor.write_bytes(_notebook())
    (folder / "a.answers.json").symlink_to(root / "gradebook.db")
    (folder / "b.answers.json").symlink_to(root / "root-only.txt")
    (folder / "00_overview.ipynb").symlink_to(instructor)  # someone else's work
    (folder / "zero.answers.json").symlink_to("/dev/zero")
    (folder / "linked_dir").symlink_to(root)
    os.mkfifo(folder / "pipe.answers.json")
    os.link(root / "gradebook.db", folder / "hard.answers.json")
    dest = root / "stage"
    taken = take(folder, dest, 10 * MIB)
    assert sorted(p.name for p in dest.rglob("*")) == ["01_why_local.ipynb", "notes.txt"]
    assert all(stat.S_ISREG(os.lstat(p).st_mode) for p in dest.rglob("*"))
    reasons = dict(line.split(": ", 1) for line in taken.refused)
    assert set(reasons) == {"a.answers.json", "b.answers.json", "00_overview.ipynb",
                            "zero.answers.json", "linked_dir", "pipe.answers.json",
                            "hard.answers.json"}
    assert "link" in reasons["a.answers.json"] and "link" in reasons["zero.answers.json"]
    assert "pipe" in reasons["pipe.answers.json"]
    assert "hard link" in reasons["hard.answers.json"]
    assert b"SECRET" not in b"".join(p.read_bytes() for p in dest.rglob("*") if p.is_file())


def test_a_file_over_the_cap_is_named_with_the_limit_and_not_read_whole(course):
    root, folder = course
    (folder / "big.csv").write_bytes(b"x" * (2 * MIB + 1))
    taken = take(folder, root / "stage", 2 * MIB)
    assert taken.refused == ["big.csv: not taken, it is larger than the limit of 2 MiB per file"]
    assert not (root / "stage" / "big.csv").exists()


def test_a_file_swapped_after_lstat_is_not_followed(course):
    root, folder = course
    path = folder / "swap.answers.json"
    path.write_text("{}")
    before = os.lstat(path)
    path.unlink()
    path.symlink_to(root / "gradebook.db")  # swapped between the check and the read
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        got = intake._read_regular("swap.answers.json", fd, before, MIB)
    finally:
        os.close(fd)
    assert isinstance(got, str) and "could not be opened" in got


def test_a_growing_file_is_never_read_past_the_cap(course):
    _root, folder = course
    (folder / "grows.txt").write_bytes(b"x" * 100)
    with open(folder / "grows.txt", "ab") as more:  # written after lstat's size
        before = os.lstat(folder / "grows.txt")
        more.write(b"y" * 5000)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        got = intake._read_regular("grows.txt", fd, before, 1000)
    finally:
        os.close(fd)
    assert isinstance(got, str) and got.startswith("it is larger than the limit of")


def test_the_submission_folder_itself_must_not_be_a_link(course):
    root, folder = course
    linked = root / "submitted" / "u" / "core"
    linked.parent.mkdir()
    linked.symlink_to(folder)
    with pytest.raises(SubmissionRefused, match="not a plain folder"):
        take(linked, root / "stage", MIB)


@pytest.mark.parametrize("content, reason", [
    (b"{ cut in the mid", "not valid JSON"),
    (b"[1, 2]", "no list of cells"),
    (b'{"cells": ' + b"[" * 100000 + b"]" * 100000 + b"}", "nested too deeply"),
    ((b'{"cells": [{"cell_type": "code"}], "nbformat": 4, "nbformat_minor": 5, '
     b'"metadata": {}}'), "not a valid notebook"),
    (b"\xff\xfe", "not text"),
])
def test_a_broken_notebook_is_left_out_by_name_and_the_rest_taken(course, content, reason):
    root, folder = course
    (folder / "00_overview.ipynb").write_bytes(content)
    taken = take(folder, root / "stage", 10 * MIB)
    assert len(taken.refused) == 1
    assert taken.refused[0].startswith("00_overview.ipynb: not a readable notebook: ")
    assert reason in taken.refused[0] and taken.refused[0].endswith("it scores 0")
    assert sorted(p.name for p in (root / "stage").iterdir()) == ["01_why_local.ipynb",
                                                                 "notes.txt"]


def test_a_valid_notebook_is_taken(course):
    root, folder = course
    taken = take(folder, root / "stage", 10 * MIB)
    assert taken.refused == [] and taken.files == 2


@pytest.mark.parametrize("text", ["not a date", "2024-13-45 99:99:99", "x" * 2000])
def test_a_malformed_timestamp_gets_a_plain_message(course, text):
    root, folder = course
    (folder / "timestamp.txt").write_text(text)
    taken = take(folder, root / "stage", 10 * MIB)
    assert len(taken.refused) == 1 and taken.refused[0].startswith("timestamp.txt: ")
    assert "check the submission time by hand" in taken.refused[0] \
        or "larger than the limit" in taken.refused[0]
    assert not (root / "stage" / "timestamp.txt").exists()


def test_a_good_timestamp_is_taken(course):
    root, folder = course
    (folder / "timestamp.txt").write_text("2024-05-01 10:00:00.000000 UTC")
    taken = take(folder, root / "stage", 10 * MIB)
    assert taken.refused == []
    assert (root / "stage" / "timestamp.txt").is_file()


def test_the_fingerprint_changes_with_content_and_with_refused_files(course):
    root, folder = course
    first = take(folder, None, MIB).fingerprint
    assert take(folder, None, MIB).fingerprint == first
    (folder / "notes.txt").write_text("changed")
    second = take(folder, None, MIB).fingerprint
    assert second != first
    (folder / "x.answers.json").symlink_to(root / "gradebook.db")
    assert take(folder, None, MIB).fingerprint != second


def test_reading_a_graded_folder_follows_no_link(course):
    root, folder = course
    (folder / "a.answers.json").symlink_to(root / "gradebook.db")
    found = read_regular_files(folder, MIB)
    assert sorted(found) == ["01_why_local.ipynb", "notes.txt"]


def test_answers_nested_ten_thousand_deep_give_a_plain_message(tmp_path):
    path = tmp_path / "unit.answers.json"
    path.write_text('{"answers": ' + "[" * 10000 + "]" * 10000 + "}")
    store = AnswerStore("unit", folder=tmp_path)  # must not raise RecursionError
    assert "unit.answers.json could not be read (it is nested too deeply" in store.problem
    assert store.get("q") is None
    assert list(tmp_path.glob("unit.answers.corrupt-*.json"))
    json.loads('{"answers": {}}')  # the interpreter is fine afterwards
