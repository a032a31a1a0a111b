"""Autograding at class scale: ``mld grade`` (nbgrader's autograde, each submission in a
bubblewrap sandbox, executed in parallel by Dask workers, resumable)."""

from .command import add_grade_command

__all__ = ["add_grade_command"]
