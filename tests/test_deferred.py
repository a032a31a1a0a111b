"""The grader puts off building rfc3987_syntax's grammar (deferred.py) without changing
what any IRI check answers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHECK = """
import json, sys
{first}
from jsonschema import Draft202012Validator, FormatChecker
built = "rfc3987_syntax.syntax_helpers" in sys.modules
answers = [Draft202012Validator({{"format": f}}, format_checker=FormatChecker()).is_valid(v)
           for f in ("iri", "iri-reference") for v in ("http://例え.jp/ä", ":bad", "a b", "")]
print(json.dumps([built, answers]))
"""


def run(first: str) -> list:
    out = subprocess.run([sys.executable, "-c", CHECK.format(first=first)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_the_grammar_is_built_at_first_check_and_answers_the_same():
    pytest.importorskip("rfc3987_syntax")
    built_before, plain = run("")
    deferred_built, deferred = run("import toolbox_widgets.grading")
    assert built_before and not deferred_built
    assert deferred == plain and False in plain and True in plain
