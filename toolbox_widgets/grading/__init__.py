"""Autograding at class scale: ``mld grade`` (nbgrader's autograde, each submission in a
bubblewrap sandbox, executed in parallel by Dask workers, resumable)."""

from .deferred import defer_iri_grammar

# Before anything here imports jsonschema: the grader, its workers and every sandbox's
# zygote (which imports this package before its preloads) each save a second of CPU.
defer_iri_grammar()

from .command import add_grade_command  # noqa: E402

__all__ = ["add_grade_command"]
