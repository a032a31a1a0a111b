"""Build rfc3987_syntax's IRI grammar when an IRI is first checked, not at import.

jsonschema (imported with nbformat, so by plotly's notebook renderer, nbgrader and the
grader) imports ``rfc3987_syntax`` when it is installed (jsonschema's format-nongpl
extra, which the Jupyter server brings), and that module builds an Earley parser of
RFC 3987 at import: about a second of CPU in every process, a third of each sandbox's
start-up. A stand-in module takes its place; the first call to any of its functions
imports the real module and uses it, so every check gives the same answer.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"


def _real() -> types.ModuleType:
    module = sys.modules.get(NAME)
    if getattr(module, "_mld_stand_in", False):
        del sys.modules[NAME]
    return importlib.import_module(NAME)


def defer_iri_grammar() -> None:
    """Put the stand-in in place, unless the real module is loaded or not installed."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return
    stand_in = types.ModuleType(NAME, "Stand-in: the real module loads at first use.")
    stand_in._mld_stand_in = True
    stand_in.is_valid_syntax = lambda term, value: _real().is_valid_syntax(term, value)
    stand_in.parse = lambda term, value: _real().parse(term, value)
    stand_in.__getattr__ = _other_name
    sys.modules[NAME] = stand_in


def _other_name(name: str):
    if name.startswith("__"):  # the import system asks for __path__ and the like
        raise AttributeError(name)
    return getattr(_real(), name)
