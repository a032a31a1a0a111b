"""The one scorer: turn an answer into its stored form, score it against a key, and say
why in words.

Pure functions over plain data (no widgets, no IPython), so the widget in the trainee's
kernel, the hidden test and the grader (which never runs trainee code) give the same
score and the same sentence. An exercise is described by a *definition*, a JSON-safe
dict made by the exercise itself::

    {"kind": "single_choice", "id": "q1", "points": 1, "options": [...],
     "how_to": "...", "example": "..."}

Kinds and their fields: ``single_choice`` and ``multiple_choice`` (options), ``number``
(unit, tolerance), ``matching`` (left, right), ``ordering`` (items), ``code_task``.
Every trainee-facing sentence of grading is written here.
"""

from __future__ import annotations

import math
from itertools import combinations

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = "— choose —"  # an empty menu (matching, ordering), as it is saved


class AnswerError(ValueError):
    """A plain-Python answer that does not fit the exercise."""


# --- answers in their stored form ------------------------------------------------------

def _letter_of(value, options: list[str]) -> str:
    """Accept 'B', 'b' or the full option text; return the letter."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 1 and text.upper() in LETTERS[: len(options)]:
            return text.upper()
        for letter, option in zip(LETTERS, options):
            if text.casefold() == option.casefold():
                return letter
    raise AnswerError(
        f"{value!r} is not one of the options; use a letter from A to {LETTERS[len(options) - 1]}.")


def decimal_point(text: str) -> str:
    """Read '1,234.5', '1.234,5', '3,5' and '304' the way a trainee means them."""
    if "," in text and "." in text:
        decimal = "," if text.rindex(",") > text.rindex(".") else "."
        thousands = "." if decimal == "," else ","
        return text.replace(thousands, "").replace(",", ".")
    if "," in text:
        head, _, tail = text.rpartition(",")
        if text.count(",") == 1 and len(tail) != 3:
            return f"{head}.{tail}"  # a decimal comma, as in French and Spanish
        return text.replace(",", "")
    return text


def normalize(definition: dict, value):
    """The stored form of an answer, or AnswerError with a plain reason."""
    kind = definition["kind"]
    if kind == "single_choice":
        return _letter_of(value, definition["options"])
    if kind == "multiple_choice":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple, set)):
            raise AnswerError("give a list of letters, for example [\"A\", \"C\"].")
        return sorted({_letter_of(item, definition["options"]) for item in value})
    if kind == "number":
        if isinstance(value, str):
            text = decimal_point(value.strip().rstrip("%").replace(" ", "").replace("\u00a0", ""))
            try:
                value = float(text)
            except ValueError:
                raise AnswerError(f"{value!r} is not a number.") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError(f"{value!r} is not a number.")
        if not math.isfinite(value):
            raise AnswerError("the number must be finite.")
        return float(value)
    if kind == "matching":
        if not isinstance(value, dict):
            raise AnswerError('give a dictionary, for example {"item": "its match"}.')
        pairs = {}
        for item, match in value.items():
            if item not in definition["left"]:
                raise AnswerError(f"{item!r} is not one of the items to match.")
            if match not in definition["right"]:
                raise AnswerError(f"{match!r} is not one of the possible matches.")
            pairs[item] = match
        return pairs
    if kind == "ordering":
        if not isinstance(value, (list, tuple)):
            raise AnswerError("give a list of the items in order.")
        order = list(value)
        if len(order) > len(definition["items"]):
            raise AnswerError("give at most one item for each position.")
        for item in order:
            if item not in definition["items"] and item != BLANK:
                raise AnswerError(f"{item!r} is not one of the items.")
        return order
    if kind == "code_task":
        return json_safe(value)
    raise ValueError(f"unknown exercise kind {kind!r}")


def json_safe(value):
    """A code task's value as the answers file keeps it: a number, a text, or a list of
    them (a pandas Series or Index, a NumPy array become lists). None when it cannot be
    kept so."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "tolist") and not isinstance(value, dict):  # pandas, NumPy
        value = value.tolist()
        if not isinstance(value, list):  # a NumPy scalar
            return json_safe(value)
    if isinstance(value, (list, tuple)):
        items = [json_safe(item) for item in value]
        if all(item is not None and not isinstance(item, list) for item in items):
            return items
    return None


# --- scoring ---------------------------------------------------------------------------

def _single(value, key):
    if value == key:
        return 1.0, f"{key} is the right answer."
    return 0.0, f"You chose {value}; the answer is {key}."


def _multiple(value, key, options):
    chosen, right_set = set(value), set(key)
    right, wrong = len(chosen & right_set), len(chosen - right_set)
    k, n = len(right_set), len(options)
    # Each right tick earns 1/k, each wrong tick costs 1/(n-k): ticking every box earns 0.
    share = right / k - (wrong / (n - k) if n > k else 0.0)
    missed = len(right_set - chosen)
    return max(0.0, share), (f"{right} of {k} correct options ticked, "
                             f"{wrong} wrong, {missed} missed.")


def _number(value, key, unit, tolerance):
    shown = f"{key:g} {unit}".strip()
    if abs(value - key) <= tolerance + 1e-9:
        return 1.0, f"{value:g} is within {tolerance:g} of {shown}."
    return 0.0, f"{value:g} is not within {tolerance:g} of the answer, {shown}."


def _matching(value, key):
    chosen = [match for match in value.values() if match != BLANK]
    # Where the key uses each match once, a match given to several items is a guess
    # spread over them: it earns nothing for any of them.
    if len(set(key.values())) == len(key):
        reused = {match for match in chosen if chosen.count(match) > 1}
    else:
        reused = set()
    right = sum(value.get(item) == match and match not in reused for item, match in key.items())
    detail = f"{right} of {len(key)} pairs match."
    if reused:
        detail += " A match chosen for more than one item counts for none of them."
    return right / len(key), detail


def _ordering(value, key):
    place = {}
    for slot, item in enumerate(value):
        if item != BLANK and item not in place:
            place[item] = slot  # an item counts once, at its first position
    pairs = list(combinations(key, 2))
    if not pairs:  # a single item: right when it is placed
        return float(bool(place)), "The one item is placed." if place else "Nothing is placed."
    agree = sum(a in place and b in place and place[a] < place[b] for a, b in pairs)
    detail = f"{agree} of {len(pairs)} pairs of items are in the right order."
    if len(place) < len([item for item in value if item != BLANK]):
        detail += " An item used twice counts only at its first position."
    return agree / len(pairs), detail


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def matches(value, expected, tolerance: float = 0.0) -> tuple[bool, str]:
    """A code task: compare a trainee's value with the expected one, and say why."""
    if value is None:
        return False, "no answer was given."
    if hasattr(expected, "tolist") and not isinstance(expected, (int, float, str)):
        expected = expected.tolist()  # a pandas Series or Index
    if isinstance(expected, (list, tuple)):
        if isinstance(value, str):
            got = [value]
        elif hasattr(value, "tolist") or isinstance(value, (list, tuple)):
            got = list(value.tolist() if hasattr(value, "tolist") else value)
        else:
            return False, f"expected a list of values, got {_short(value)}."
        want = list(expected)
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


def score(definition: dict, value, key, **options) -> tuple[float, str]:
    """The share of the points earned (0 to 1) and a sentence on why.

    ``value`` and ``key`` are in stored form (see normalize). Options: ``tolerance``
    for numbers and code tasks.
    """
    kind = definition["kind"]
    if value is None:
        return 0.0, "No answer was given."
    if kind == "single_choice":
        return _single(value, key)
    if kind == "multiple_choice":
        return _multiple(value, key, definition["options"])
    if kind == "number":
        tolerance = options.get("tolerance")
        tolerance = definition.get("tolerance", 0.0) if tolerance is None else tolerance
        return _number(value, key, definition.get("unit", ""), tolerance)
    if kind == "matching":
        return _matching(value, key)
    if kind == "ordering":
        return _ordering(value, key)
    if kind == "code_task":
        ok, detail = matches(value, key, options.get("tolerance", 0.0))
        return float(ok), detail
    raise ValueError(f"unknown exercise kind {kind!r}")


# --- what the trainee reads ------------------------------------------------------------

def points_text(value: float) -> str:
    value = round(value, 2)
    number = int(value) if value == int(value) else value
    return f"{number} point" + ("" if number == 1 else "s")


def verdict(share: float) -> tuple[str, str]:
    if share >= 1:
        return "✔", "Correct."
    if share > 0:
        return "◐", "Partly correct."
    return "✘", "Not correct yet."


def describe(definition: dict, value) -> str:
    """An answer in words, as the status line and the feedback show it."""
    kind = definition["kind"]
    if kind == "single_choice":
        return f"{value} ({definition['options'][LETTERS.index(value)]})"
    if kind == "multiple_choice":
        # Letters alone are hard to read back with many options: add a few words of each.
        return "; ".join(f"{letter} ({_few_words(definition['options'][LETTERS.index(letter)])})"
                         for letter in value)
    if kind == "number":
        return f"{value:g} {definition.get('unit', '')}".strip()
    if kind == "matching":
        return "; ".join(f"{item} → {match}" for item, match in value.items())
    if kind == "ordering":
        return " → ".join(item if item != BLANK else "?" for item in value)
    return _short(value)


def _few_words(text: str, words: int = 5) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def not_answered(definition: dict) -> str:
    if definition["kind"] == "code_task":
        return (f"Optional code task {definition['id']} is not answered. It is a bonus: you "
                "can submit without it. To try it, replace None with your code.")
    return (f"Exercise {definition['id']} is not answered yet: {definition['how_to']}, "
            f"or type {definition['example']} in a code cell.")


def saved(definition: dict, value) -> str:
    """The status line under nbgrader once an answer is saved."""
    if definition["kind"] == "code_task":
        return (f"Saved: code task {definition['id']}, you gave {_short(value)}. It is checked "
                "after you submit.")
    return f"Saved: exercise {definition['id']}, your answer {describe(definition, value)}."


def cannot_keep(value) -> str:
    return (f"{_short(value)} cannot be saved for grading: give a number, a text, or a list "
            "of them.")


def grade(definition: dict, value, key, why: str = "", **options) -> tuple[float, str]:
    """Points earned and the feedback sentence (with the explanation) of a hidden test."""
    share, detail = score(definition, value, key, **options)
    points = definition.get("points", 1)
    if definition["kind"] == "code_task":
        earned = float(points) if share >= 1 else 0.0
        text = f"{'✔' if share >= 1 else '✘'} Code task {definition['id']}: {detail} {why}"
        return earned, text.strip()
    earned = round(points * max(0.0, min(1.0, share)), 2)
    sign, words = verdict(share)
    text = f"{sign} Exercise {definition['id']}: {words} {detail} {why}".strip()
    return earned, text + f" ({points_text(earned)} of {points})"
