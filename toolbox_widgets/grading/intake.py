"""Take a trainee's submitted files as data, never as paths to follow.

The grader runs as root and copies the submission into places trainee code can
read (the sandbox) and the trainee can read back (feedback). So only regular files
are taken: a symlink, a device, a FIFO, a socket or a hard link (which may point
at a file outside the submission, such as the gradebook) is refused by name.
Every check is made with lstat, then again on the open descriptor (opened with
O_NOFOLLOW and O_NONBLOCK, so neither a swapped link nor a FIFO can make us
follow or wait), and no file is read past its size cap.

A notebook that is not a readable notebook, or a timestamp.txt that is not a
date, is left out with a plain note: nbgrader then scores that notebook 0, as a
missing one, and the rest of the submission is graded as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024
MAX_FILES = 1000  # files and folders in one submission
MAX_DEPTH = 16  # nested folders
TIMESTAMP_BYTES = 1024


class SubmissionRefused(Exception):
    """The submission as a whole cannot be taken (its folder is not a folder)."""


@dataclass
class Intake:
    """What was taken from one submission folder."""

    fingerprint: str = ""
    files: int = 0
    refused: list[str] = field(default_factory=list)  # one sentence per file left out


def _open_dir(name: str | Path, dir_fd: int | None = None) -> int:
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                   dir_fd=dir_fd)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "it is a link to another file"
    if stat.S_ISFIFO(mode):
        return "it is a pipe, not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a file"
    return "it is a device or other special file, not a regular file"


def _read_regular(name: str, dir_fd: int, before: os.stat_result, cap: int) -> bytes | str:
    """The file's bytes, or the reason it is refused."""
    if stat.S_ISREG(before.st_mode) and before.st_nlink > 1:
        return "it is a hard link to another file"
    if not stat.S_ISREG(before.st_mode):
        return _kind(before.st_mode)
    if before.st_size > cap:
        return f"it is larger than the limit of {cap / MIB:g} MiB per file"
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=dir_fd)
    except OSError as err:  # swapped for a link since lstat, or unreadable
        return f"it could not be opened ({err.strerror})"
    try:
        now = os.fstat(fd)
        if (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev) \
                or not stat.S_ISREG(now.st_mode) or now.st_nlink > 1:
            return "it changed while it was being read"
        chunks, size = [], 0
        while size <= cap:
            chunk = os.read(fd, min(MIB, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:
            return f"it is larger than the limit of {cap / MIB:g} MiB per file"
        return b"".join(chunks)
    finally:
        os.close(fd)


def _notebook_problem(content: bytes) -> str | None:
    """Why these bytes are not a notebook nbgrader can grade, or None."""
    import nbformat

    try:
        with warnings.catch_warnings():  # nbformat's notes on old notebooks are no fault
            warnings.simplefilter("ignore")
            return _check_notebook(nbformat, content)
    except RecursionError:
        return "it is nested too deeply to read"
    except UnicodeDecodeError:
        return "it is not text (UTF-8)"
    except ValueError as err:  # also json's and nbformat's errors
        return f"it is not valid JSON ({str(err).splitlines()[0][:100]})"
    except Exception as err:  # noqa: BLE001 - any other damage: the notebook is left out
        return f"it is not a valid notebook ({type(err).__name__}: {str(err)[:100]})"


def _check_notebook(nbformat, content: bytes) -> str | None:
    data = json.loads(content.decode("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "it has no list of cells"
    notebook = nbformat.from_dict(data)
    if notebook.get("nbformat") != 4:
        notebook = nbformat.convert(notebook, 4)
    nbformat.validate(notebook)
    return None


def _timestamp_problem(content: bytes) -> str | None:
    from nbgrader.utils import parse_utc

    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        parse_utc(text)
    except Exception:  # noqa: BLE001 - dateutil raises several kinds
        return (f"timestamp.txt does not hold a date ({text[:40]!r}); graded as if on "
                "time: check the submission time by hand")
    return None


def take(folder: Path, dest: Path | None, cap_bytes: int) -> Intake:
    """Copy the regular files of `folder` to `dest` (if given), and fingerprint them.

    Nothing in `folder` is followed: a refused file is named in `refused`, with why.
    """
    intake, digest = Intake(), hashlib.sha256()
    try:
        top = _open_dir(folder)
    except OSError as err:
        raise SubmissionRefused(
            f"its folder {folder.name} is not a plain folder ({err.strerror})") from None

    def walk(fd: int, prefix: str, depth: int) -> None:
        with os.scandir(fd) as entries:
            names = sorted(entry.name for entry in entries)
        for name in names:
            rel = prefix + name
            if intake.files >= MAX_FILES:
                intake.refused.append(f"{rel}: left out, more than {MAX_FILES} files")
                continue
            intake.files += 1
            try:
                before = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except OSError as err:
                intake.refused.append(f"{rel}: left out, {err.strerror}")
                continue
            if stat.S_ISDIR(before.st_mode):
                if depth >= MAX_DEPTH:
                    intake.refused.append(f"{rel}: left out, folders nested too deeply")
                    continue
                try:
                    sub = _open_dir(name, fd)
                except OSError as err:
                    intake.refused.append(f"{rel}: left out, {err.strerror}")
                    continue
                try:
                    digest.update(rel.encode("utf-8", "surrogateescape") + b"/\0")
                    walk(sub, rel + "/", depth + 1)
                finally:
                    os.close(sub)
                continue
            cap = TIMESTAMP_BYTES if rel == "timestamp.txt" else cap_bytes
            content = _read_regular(name, fd, before, cap)
            if isinstance(content, bytes):
                problem = None
                if "/" not in rel and rel.endswith(".ipynb"):
                    problem = _notebook_problem(content)
                    if problem:
                        problem = f"not a readable notebook: {problem}; it scores 0"
                elif rel == "timestamp.txt":
                    problem = _timestamp_problem(content)
                digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
                digest.update(hashlib.sha256(content).digest())
                if problem:
                    intake.refused.append(f"{rel}: {problem}")
                elif dest is not None:
                    path = dest / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(content)
            else:
                digest.update(rel.encode("utf-8", "surrogateescape") + b"\0refused\0")
                intake.refused.append(f"{rel}: not taken, {content}")

    try:
        if dest is not None:
            dest.mkdir(parents=True, exist_ok=True)
        walk(top, "", 0)
    finally:
        os.close(top)
    intake.fingerprint = digest.hexdigest()
    return intake


def read_regular_files(folder: Path, cap_bytes: int) -> dict[str, bytes]:
    """Every regular file under `folder` (relative path -> bytes), following nothing."""
    found: dict[str, bytes] = {}

    def walk(fd: int, prefix: str, depth: int) -> None:
        with os.scandir(fd) as entries:
            names = sorted(entry.name for entry in entries)
        for name in names:
            before = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if stat.S_ISDIR(before.st_mode) and depth < MAX_DEPTH:
                sub = _open_dir(name, fd)
                try:
                    walk(sub, prefix + name + "/", depth + 1)
                finally:
                    os.close(sub)
            elif stat.S_ISREG(before.st_mode):
                content = _read_regular(name, fd, before, cap_bytes)
                if isinstance(content, bytes):
                    found[prefix + name] = content

    top = _open_dir(folder)
    try:
        walk(top, "", 0)
    finally:
        os.close(top)
    return found
