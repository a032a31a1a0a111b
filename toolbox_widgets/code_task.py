"""Optional code exercises for the data-curious: the trainee computes a value with
pandas, and a hidden test compares it with the expected one."""

from __future__ import annotations

import math

import pandas as pd

from .answers import nbgrader_mode
from .exercises import NotGraded


class CodeTask:
    """A named code exercise. ``status(value)`` is visible; ``grade`` is hidden."""

    def __init__(self, exercise_id: str, prompt: str = "", *, points: float = 1,
                 self_study: bool = False):
        self.id = exercise_id
        self.prompt = prompt
        self.points = points
        self.self_study = self_study  # the hidden check runs in front of the learner

    def __repr__(self):
        return f"CodeTask({self.id!r}, {self.points} points)"

    def status(self, value) -> None:
        if value is None:
            message = (f"Optional code task {self.id} is not answered. It is a bonus: you can "
                       "submit without it. To try it, replace None with your code.")
            # Validate lists only what is still required: a blank bonus task is noted
            # on stdout, never as a failure. Autograde still scores it 0.
            if nbgrader_mode() == "autograde":
                raise NotGraded(message)
            print("○ " + message)
        else:
            print(f"✔ Code task {self.id}: you gave {_short(value)}. It is checked after you "
                  "submit.")

    def grade(self, value, expected, *, tolerance: float = 0.0, why: str = "") -> float:
        if self.self_study and value is None:
            return 0.0  # not tried yet: keep the explanation for after a try
        ok, detail = matches(value, expected, tolerance)
        text = f"{'✔' if ok else '✘'} Code task {self.id}: {detail} {why}".strip()
        earned = float(self.points) if ok else 0.0
        if not ok and nbgrader_mode():
            raise NotGraded(text)
        print(text)
        return earned


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def matches(value, expected, tolerance: float = 0.0) -> tuple[bool, str]:
    """Compare a trainee's value with the expected one, and say why in words."""
    if value is None:
        return False, "no answer was given."
    if isinstance(expected, (pd.Series, pd.Index, list, tuple)):
        try:
            got = list(pd.Series(value).tolist()) if not isinstance(value, str) else [value]
        except (TypeError, ValueError):
            return False, f"expected a list of values, got {_short(value)}."
        want = list(pd.Series(expected).tolist())
        if len(got) != len(want):
            return False, f"expected {len(want)} values, got {len(got)}."
        for g, w in zip(got, want):
            ok, _ = matches(g, w, tolerance)
            if not ok:
                return False, f"{_short(g)} where {_short(w)} was expected."
        return True, "every value matches."
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False, f"expected a number, got {_short(value)}."
        if math.isfinite(number) and abs(number - expected) <= tolerance + 1e-9:
            return True, f"{number:g} is right."
        return False, f"{number:g} is not the expected value."
    if isinstance(expected, str):
        if str(value).strip().casefold() == expected.strip().casefold():
            return True, f"{value!s} is right."
        return False, f"{_short(value)} is not the expected answer."
    return (value == expected), "compared with the expected value."
