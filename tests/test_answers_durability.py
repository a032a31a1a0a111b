"""Faults during a class that the answers file must survive, without a hub: a server
killed in the middle of a save, the same notebook open in two tabs, a full disk.

Each fault is made real where the machine allows it: real processes are killed with
SIGKILL at random moments of their saves, two real processes save at the same time, and
a real tmpfs of 64 KB is filled (root only; otherwise that test is skipped and the
simulated one below still runs)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolbox_widgets.trainee import answers
from toolbox_widgets.trainee.answers import AnswerStore
from toolbox_widgets.trainee.workbook import Workbook

OPTIONS = {"ghana": "Ghana", "mexico": "Mexico", "nepal": "Nepal"}

# A kernel that saves answers as fast as it can, until it is killed: every save writes
# all 40 answers, so the file is large enough for a kill to land inside a write.
SAVER = """
import sys, itertools
from toolbox_widgets.trainee.answers import AnswerStore
store = AnswerStore("unit", sys.argv[1])
print("ready", flush=True)
for n in itertools.count():
    for k in range(40):
        store.set(f"q{k}", {"round": n, "text": "words " * 50})
"""


def file_answers(folder: Path) -> dict:
    return json.loads((folder / "unit.answers.json").read_text(encoding="utf-8"))["answers"]


def test_a_server_killed_in_the_middle_of_saves_leaves_a_whole_file(tmp_path):
    rounds = []
    for kill in range(8):
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(tmp_path)],
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert saver.stdout.readline().strip() == "ready"
            time.sleep(0.05 + 0.03 * kill)  # a different moment of a save each time
        finally:
            saver.send_signal(signal.SIGKILL)
            saver.wait(timeout=10)
            saver.stdout.close()
        saved = file_answers(tmp_path)  # parses: never half a file
        # Old or new answers, each one whole: every answer is a round's full value.
        assert all(v["value"]["text"] == "words " * 50 for v in saved.values())
        rounds.append(max(v["value"]["round"] for v in saved.values()))
    assert len(saved) == 40
    assert rounds[-1] >= 0
    # The next save clears what killed saves left behind, so nothing extra is submitted.
    (tmp_path / ".answers-killed.tmp").write_text('{"half": ')
    AnswerStore("unit", tmp_path).set("after", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.answers.json"]


def test_two_tabs_saving_alternately_lose_no_answer(tmp_path):
    first, second = AnswerStore("unit", tmp_path), AnswerStore("unit", tmp_path)
    first.set("q1", "A")
    second.set("q2", "B")  # this tab never saw q1
    first.set("q3", 3.5)
    second.set("q1", "C")  # the later change of the same exercise wins
    first.set("q4", ["x"])
    assert {k: v["value"] for k, v in file_answers(tmp_path).items()} == {
        "q1": "C", "q2": "B", "q3": 3.5, "q4": ["x"]}
    # A cleared answer stays cleared when the other tab saves something else.
    second.clear("q2")
    first.set("q5", "E")
    assert "q2" not in file_answers(tmp_path)
    assert first.get("q1") == "C"  # each tab now knows the other's answers


def test_two_tabs_through_the_widgets(tmp_path):
    one, two = Workbook("unit", folder=tmp_path), Workbook("unit", folder=tmp_path)
    one.single_choice("a", "Which?", OPTIONS).answer("ghana")
    two.single_choice("b", "Which?", OPTIONS).answer("mexico")
    one.single_choice("c", "Which?", OPTIONS).answer("nepal")
    assert {k: v["value"] for k, v in file_answers(tmp_path).items()} == {
        "a": "ghana", "b": "mexico", "c": "nepal"}


TAB = """
import sys
from toolbox_widgets.trainee.answers import AnswerStore
store = AnswerStore("unit", sys.argv[1])
for k in range(60):
    store.set(f"{sys.argv[2]}{k}", k)
"""


def test_two_tabs_saving_at_the_same_time_lose_no_answer(tmp_path):
    tabs = [subprocess.Popen([sys.executable, "-c", TAB, str(tmp_path), name])
            for name in ("left", "right")]
    assert [tab.wait(timeout=120) for tab in tabs] == [0, 0]
    saved = file_answers(tmp_path)
    assert {k: v["value"] for k, v in saved.items()} == {
        f"{name}{k}": k for name in ("left", "right") for k in range(60)}


def fill(folder: Path) -> None:
    """Fill the file system that holds folder, to the last byte."""
    with open(folder / "filler", "wb", buffering=0) as out:
        for size in (4096, 1):  # blocks, then the last bytes
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC


def test_a_full_disk_gives_a_plain_message_and_keeps_the_answers(tmp_path):
    """A real full disk: a 64 KB tmpfs (needs root to mount)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the simulated full disk still runs")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode:
        pytest.skip(f"tmpfs cannot be mounted here: {mounted.stderr.strip()}")
    try:
        book = Workbook("unit", folder=disk)
        q = book.single_choice("q", "Which?", OPTIONS)
        q.answer("ghana")
        fill(disk)
        before = (disk / "unit.answers.json").read_text()
        r = book.reflection("r", "Why?")
        r.answer("word " * 20_000)  # far larger than what is left
        assert (disk / "unit.answers.json").read_text() == before
        assert "disk is full" in r.feedback.value and "earlier answers are safe" in \
            r.feedback.value
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "unit.answers.json"]
        # Space again (the instructor cleaned up): the next change saves everything.
        (disk / "filler").unlink()
        r.answer("word " * 30)
        assert set(file_answers(disk)) == {"q", "r"}
        assert "disk is full" not in r.feedback.value
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_failing_write_gives_a_plain_message_and_keeps_the_answers(tmp_path, monkeypatch):
    """Simulated for machines where no tmpfs can be mounted: the temporary file's writes
    fail with ENOSPC, which is what write() returns on a full disk."""
    book = Workbook("unit", folder=tmp_path)
    book.single_choice("q", "Which?", OPTIONS).answer("mexico")
    before = (tmp_path / "unit.answers.json").read_text()
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle, *args, **kwargs):
            self.file = real_fdopen(handle, *args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, text):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(answers.os, "fdopen", FullDisk)
    q2 = book.single_choice("q2", "Which?", OPTIONS)
    q2.answer("nepal")
    assert (tmp_path / "unit.answers.json").read_text() == before
    assert "disk is full" in q2.feedback.value
    assert [p.name for p in tmp_path.iterdir()] == ["unit.answers.json"]  # no leftovers
    monkeypatch.setattr(answers.os, "fdopen", real_fdopen)
    q2.answer("ghana")
    assert {k: v["value"] for k, v in file_answers(tmp_path).items()} == {
        "q": "mexico", "q2": "ghana"}


def test_two_tabs_agree_on_one_shuffle_of_the_options(tmp_path):
    first, second = AnswerStore("unit", tmp_path), AnswerStore("unit", tmp_path)
    first_seed = first.seed  # written at once
    second.set("q1", "A")  # opened before that write: adopts the file's seed on saving
    saved = json.loads((tmp_path / "unit.answers.json").read_text(encoding="utf-8"))
    assert second.seed == first_seed == saved["seed"]
