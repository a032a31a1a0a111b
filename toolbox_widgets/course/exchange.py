"""nbgrader's exchange with each trainee's submission kept private.

nbgrader's own submit leaves the submission folder writable by everyone and its files
readable by everyone; only the random part of the folder's name hides it. Here:

* the instructor's inbound folder is setgid and sticky, `rwxrwx-wx` (`3773`): its group,
  the instructors' group, is given to everything a trainee puts in it; trainees can add a
  submission but not list the folder, nor rename or delete another trainee's submission;
* a submission is built where nobody else can reach it, then moved into the inbound folder
  in one step, readable by its owner and the instructors' group only (folders `rwxrwx---`,
  files `rw-r-----`), never by other trainees, even those who know its name;
* collect takes a trainee's submission only from a folder that trainee made: a folder made
  by someone else in their name (a forged, newer submission) is left out and named.

Set in `deploy/jupyterhub/jupyter/common/nbgrader_config.py` (docs/deploy.md):

    c.ExchangeFactory.release_assignment = "toolbox_widgets.course.exchange.PrivateRelease"
    c.ExchangeFactory.submit = "toolbox_widgets.course.exchange.PrivateSubmit"
    c.ExchangeFactory.collect = "toolbox_widgets.course.exchange.OwnedCollect"

It relies on every trainee's server running as an OS user of their own, and the
instructors not sharing a group with trainees.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile

from nbgrader.exchange.default import (
    ExchangeCollect,
    ExchangeReleaseAssignment,
    ExchangeSubmit,
)
from nbgrader.utils import self_owned

INBOUND_MODE = 0o3773  # setgid, sticky; instructors rwx, trainees may only add (wx)
FOLDER_MODE = 0o770  # a submission's folders: its owner and the instructors
FILE_MODE = 0o640  # a submission's files: its owner writes, the instructors read


class PrivateRelease(ExchangeReleaseAssignment):
    """Release as nbgrader does, and keep the inbound folder setgid and sticky (an inbound
    folder made by an earlier nbgrader is fixed at the next release)."""

    def init_dest(self):
        super().init_dest()
        if not self.coursedir.groupshared and self_owned(self.inbound_path):
            os.chmod(self.inbound_path, INBOUND_MODE)


def _copy_private(source: str, target: str) -> None:
    """Copy a folder into a setgid folder, so that every folder and file takes its group
    (a trainee cannot give a file the instructors' group any other way)."""
    os.mkdir(target)  # inherits the group and the setgid bit of its parent
    for entry in os.scandir(source):
        made = os.path.join(target, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _copy_private(entry.path, made)
        elif entry.is_file(follow_symlinks=False):
            shutil.copyfile(entry.path, made)
            os.chmod(made, FILE_MODE)
    # Last: a trainee's chmod drops the setgid bit, once nothing more is made inside.
    os.chmod(target, FOLDER_MODE)


class PrivateSubmit(ExchangeSubmit):
    """Submit as nbgrader does (checks, secret, timestamp, cache), but build the submission
    in a private folder and move it into the inbound folder readable by the instructors'
    group only."""

    def copy_files(self):
        inbound = self.inbound_path
        # Made by this trainee in the setgid inbound folder, mode 700: nobody else enters.
        staging = tempfile.mkdtemp(prefix=".submitting-", dir=inbound)
        try:
            self.inbound_path = os.path.join(staging, "nbgrader")
            os.mkdir(self.inbound_path)
            super().copy_files()  # nbgrader's copy, with its open modes, out of reach
            built = os.path.join(self.inbound_path, self.assignment_filename)
            private = os.path.join(staging, self.assignment_filename)
            _copy_private(built, private)
            os.rename(private, os.path.join(inbound, self.assignment_filename))
        finally:
            self.inbound_path = inbound
            shutil.rmtree(staging, ignore_errors=True)


class OwnedCollect(ExchangeCollect):
    """Collect as nbgrader does, but only what each trainee submitted themselves.

    nbgrader takes a trainee's newest folder in the inbound folder and only warns when
    someone else made it; anyone may add a folder named after a classmate. With
    `check_owner` (nbgrader's default) such a folder is left out, with a message naming
    it. Turn `check_owner` off only where every server runs as the same OS user."""

    def _owner(self, record: dict) -> str:
        """The user name of the folder's owner (its uid when no user has it)."""
        try:
            uid = os.stat(os.path.join(self.inbound_path, record["filename"])).st_uid
        except OSError:
            return "nobody"  # gone meanwhile
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            return f"uid {uid}"

    def _made_by_them(self, record: dict) -> bool:
        return not self.check_owner or self._owner(record) == record["username"]

    def _sort_by_timestamp(self, records):
        # Called once per trainee: their own submissions first, newest first.
        for record in records:
            if not self._made_by_them(record):
                self.log.error(
                    "Not collected: %s claims to be %s's submission but was made by %s. "
                    "Remove it from the inbound folder.",
                    os.path.join(self.inbound_path, record["filename"]), record["username"],
                    self._owner(record))
        return sorted(records, key=lambda r: (self._made_by_them(r), r["timestamp"]),
                      reverse=True)

    def init_src(self):
        super().init_src()
        # A trainee whose every folder was made by someone else has nothing to collect.
        self.src_records = [r for r in self.src_records if self._made_by_them(r)]
