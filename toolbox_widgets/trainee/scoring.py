"""The one scorer: turn an answer into its stored form, score it against a key, and say
why in words.

Pure functions over plain data (no widgets, no IPython), so the widget in the trainee's
kernel, the hidden test and the grader (which never runs trainee code) give the same
score and the same sentence. An exercise is described by a *definition*, a JSON-safe
dict made by the exercise itself::

    {"kind": "single_choice", "id": "q1", "points": 1, "options": {"an_id": "words", ...},
     "how_to": "...", "example": "..."}

Kinds and their fields: ``single_choice`` and ``multiple_choice`` (options), ``number``
(unit, tolerance), ``matching`` (left, right), ``ordering`` (items), ``code_task``.
Options, left, right and items are the author's {id: words}, in the author's order.
Every trainee-facing sentence of grading is written here.
"""

from __future__ import annotations

import math
import re
from itertools import combinations

from . import numbers
from .i18n import _, ngettext

# The letters that named options before ids did: read only in old answers files.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# An empty menu (matching, ordering) as answers files written before ids saved it; an
# empty slot of an ordering is now None.
BLANK = "— choose —"
EMPTY = (None, "", BLANK)


class AnswerError(ValueError):
    """A plain-Python answer that does not fit the exercise."""


# --- answers in their stored form: language-neutral ids ------------------------------
# The author names every option, matching item and target, and ordering item by an id, a
# short lowercase name of what it says ({"lived_locally": "…", …}), never by a letter or
# a position: reordering or inserting an option then moves no key and no saved answer.
# A choice is saved as its option's id, whatever order the trainee saw and whatever
# language the notebook is in; a matching answer as {item id: match id}; an ordering as
# the list of item ids (None: a slot left empty). Ids or the words themselves are read.

NAMED_KINDS = ("single_choice", "multiple_choice", "matching", "ordering")
ID = re.compile(r"[a-z][a-z0-9_]+")  # two characters at least: never a letter or a number


class NamingError(ValueError):
    """An author gave an exercise's options without ids (or with ids that cannot be)."""


def named(exercise_id: str, choices, what: str = "options",
          taken: tuple[str, ...] = ()) -> dict[str, str]:
    """The author's {id: words}, checked; a NamingError names the exercise and the fix."""
    fix = ("Give them as a dict of ids and words, in the order to show when shuffle=False, "
           'for example {"lived_locally": tr("…"), "cheaper_channels": tr("…")}: each id '
           "a short lowercase name of what the option says (letters, digits, _), never a "
           "single letter or a number, and unique within the exercise.")
    if not isinstance(choices, dict):
        raise NamingError(f"Exercise {exercise_id}: its {what} are a list, without ids. {fix}")
    for key, words in choices.items():
        if not (isinstance(key, str) and ID.fullmatch(key)):
            raise NamingError(f"Exercise {exercise_id}: {key!r} cannot be an id of its "
                              f"{what}. {fix}")
        if key in taken:
            raise NamingError(f"Exercise {exercise_id}: the id {key!r} is used twice. {fix}")
        if not isinstance(words, str):
            raise NamingError(f"Exercise {exercise_id}: the words of {key!r} are not a text. "
                              f"{fix}")
    return dict(choices)


def _id_of(value, choices: dict[str, str], problem: str) -> str:
    """Accept an id or an option's words; return the id."""
    if isinstance(value, str):
        text = value.strip()
        if text in choices:
            return text
        for key, words in choices.items():  # the exact words first, then any case
            if text == words.strip():
                return key
        for key, words in choices.items():
            if text.casefold() == words.strip().casefold():
                return key
        # Answers files saved before named ids hold the option's letter in the author's
        # order ("A" = the first): map it by position, so no trainee's earlier work is lost.
        if len(text) == 1 and text.upper() in LETTERS[: len(choices)]:
            return list(choices)[LETTERS.index(text.upper())]
    raise AnswerError(problem.format(value=repr(value)))


def uses_letters(definition: dict, value) -> bool:
    """Whether an answer names an option by a letter (the way before named ids)."""
    fields = [definition[f] for f in ("options", "left", "right", "items") if f in definition]
    known = {text for field in fields for pair in field.items() for text in pair}
    if isinstance(value, dict):
        parts = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set)):
        parts = list(value)
    else:
        parts = [value]
    return any(isinstance(p, str) and len(p.strip()) == 1 and p.strip() not in known
               for p in parts)


def _option_id(value, options: dict[str, str]) -> str:
    return _id_of(value, options, _("{value} is not one of the options: copy the words of an "
                                    "option exactly."))


def normalize(definition: dict, value):
    """The stored form of an answer, or AnswerError with a plain reason."""
    kind = definition["kind"]
    if kind == "single_choice":
        return _option_id(value, definition["options"])
    if kind == "multiple_choice":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple, set)):
            raise AnswerError(_("give a list of options, for example "
                                "[\"the words of one option\", \"the words of another\"]."))
        chosen = {_option_id(item, definition["options"]) for item in value}
        return [key for key in definition["options"] if key in chosen]  # the author's order
    if kind == "number":
        if isinstance(value, str):
            try:
                value = numbers.read(value)
            except numbers.NumberError as problem:
                raise AnswerError(str(problem)) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError(_("{value} is not a number.").format(value=repr(value)))
        if not math.isfinite(value):
            raise AnswerError(_("the number must be finite."))
        return float(value)
    if kind == "matching":
        if not isinstance(value, dict):
            raise AnswerError(_("give a dictionary, for example {\"item\": \"its match\"}."))
        pairs = {}
        for given, match in value.items():
            item = _id_of(given, definition["left"],
                          _("{value} is not one of the items to match."))
            if match in EMPTY:
                continue  # a menu left empty
            pairs[item] = _id_of(match, definition["right"],
                                 _("{value} is not one of the possible matches."))
        return {key: pairs[key] for key in definition["left"] if key in pairs}
    if kind == "ordering":
        if not isinstance(value, (list, tuple)):
            raise AnswerError(_("give a list of the items in order."))
        if len(value) > len(definition["items"]):
            raise AnswerError(_("give at most one item for each position."))
        return [None if item in EMPTY else
                _id_of(item, definition["items"], _("{value} is not one of the items."))
                for item in value]
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

def _single(definition, value, key):
    if value == key:
        return 1.0, _("{answer} is the right answer.").format(
            answer=describe(definition, key))
    return 0.0, _("You chose {chosen}; the answer is {answer}.").format(
        chosen=describe(definition, value), answer=describe(definition, key))


def _multiple(value, key, options):
    chosen, right_set = set(value), set(key)
    right, wrong = len(chosen & right_set), len(chosen - right_set)
    k, n = len(right_set), len(options)
    # Each right tick earns 1/k, each wrong tick costs 1/(n-k): ticking every box earns 0.
    share = right / k - (wrong / (n - k) if n > k else 0.0)
    missed = len(right_set - chosen)
    return max(0.0, share), ngettext(
        "{right} of {k} correct option ticked, {wrong} wrong, {missed} missed.",
        "{right} of {k} correct options ticked, {wrong} wrong, {missed} missed.",
        k).format(right=right, k=k, wrong=wrong, missed=missed)


def _number(value, key, unit, tolerance):
    shown = numbers.show(value)
    answer, within = numbers.show(key), numbers.show(tolerance)
    if unit:
        if abs(value - key) <= tolerance + 1e-9:
            return 1.0, _("{value} is within {tolerance} of {answer} {unit}.").format(
                value=shown, tolerance=within, answer=answer, unit=unit)
        return 0.0, _("{value} is not within {tolerance} of the answer, {answer} {unit}."
                      ).format(value=shown, tolerance=within, answer=answer, unit=unit)
    if abs(value - key) <= tolerance + 1e-9:
        return 1.0, _("{value} is within {tolerance} of {answer}.").format(
            value=shown, tolerance=within, answer=answer)
    return 0.0, _("{value} is not within {tolerance} of the answer, {answer}.").format(
        value=shown, tolerance=within, answer=answer)


def _matching(value, key):
    chosen = [match for match in value.values() if match not in EMPTY]
    # Where the key uses each match once, a match given to several items is a guess
    # spread over them: it earns nothing for any of them.
    if len(set(key.values())) == len(key):
        reused = {match for match in chosen if chosen.count(match) > 1}
    else:
        reused = set()
    right = sum(value.get(item) == match and match not in reused for item, match in key.items())
    detail = ngettext("{right} of {total} pair matches.", "{right} of {total} pairs match.",
                      len(key)).format(right=right, total=len(key))
    if reused:
        detail += " " + _("A match chosen for more than one item counts for none of them.")
    return right / len(key), detail


def ordered_pairs(value, key) -> tuple[int, int, dict]:
    """Pairs of the key's items that value puts in the key's order, all pairs, and each
    placed item's slot (an item counts once, at its first position)."""
    place = {}
    for slot, item in enumerate(value):
        if item not in EMPTY and item not in place:
            place[item] = slot
    pairs = list(combinations(key, 2))
    agree = sum(a in place and b in place and place[a] < place[b] for a, b in pairs)
    return agree, len(pairs), place


def _ordering(value, key):
    agree, total, place = ordered_pairs(value, key)
    if not total:  # a single item: right when it is placed
        return float(bool(place)), (_("The one item is placed.") if place
                                    else _("Nothing is placed."))
    detail = ngettext("{agree} of {total} pair of items is in the right order.",
                      "{agree} of {total} pairs of items are in the right order.",
                      total).format(agree=agree, total=total)
    if len(place) < len([item for item in value if item not in EMPTY]):
        detail += " " + _("An item used twice counts only at its first position.")
    return agree / total, detail


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def matches(value, expected, tolerance: float = 0.0) -> tuple[bool, str]:
    """A code task: compare a trainee's value with the expected one, and say why."""
    if value is None:
        return False, _("No answer was given.")
    if hasattr(expected, "tolist") and not isinstance(expected, (int, float, str)):
        expected = expected.tolist()  # a pandas Series or Index
    if isinstance(expected, (list, tuple)):
        if isinstance(value, str):
            got = [value]
        elif hasattr(value, "tolist") or isinstance(value, (list, tuple)):
            got = list(value.tolist() if hasattr(value, "tolist") else value)
        else:
            return False, _("A list of values was expected; you gave {value}.").format(
                value=_short(value))
        want = list(expected)
        if len(got) != len(want):
            return False, ngettext("{expected} value was expected; you gave {count}.",
                                   "{expected} values were expected; you gave {count}.",
                                   len(want)).format(expected=len(want), count=len(got))
        for g, w in zip(got, want):
            ok, _detail = matches(g, w, tolerance)
            if not ok:
                return False, _("{value} where {expected} was expected.").format(
                    value=_short(g), expected=_short(w))
        return True, _("Every value matches.")
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False, _("A number was expected; you gave {value}.").format(
                value=_short(value))
        if math.isfinite(number) and abs(number - expected) <= tolerance + 1e-9:
            return True, _("{value} is right.").format(value=numbers.show(number))
        return False, _("{value} is not the expected value.").format(
            value=numbers.show(number) if math.isfinite(number) else _short(value))
    if isinstance(expected, str):
        if str(value).strip().casefold() == expected.strip().casefold():
            return True, _("{value} is right.").format(value=value)
        return False, _("{value} is not the expected answer.").format(value=_short(value))
    return (value == expected), _("Compared with the expected value.")


def score(definition: dict, value, key, **options) -> tuple[float, str]:
    """The share of the points earned (0 to 1) and a sentence on why.

    ``value`` and ``key`` are in stored form (see normalize). Options: ``tolerance``
    for numbers and code tasks.
    """
    kind = definition["kind"]
    if value is None:
        return 0.0, _("No answer was given.")
    if kind == "single_choice":
        return _single(definition, value, key)
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

def points_number(value: float) -> str:
    """Points as a number: 1, 1.5 (in the trainee's language: 1,5)."""
    return numbers.show(round(value, 2))


def points_text(value: float) -> str:
    value = round(value, 2)
    return ngettext("{count} point", "{count} points",
                    int(value) if value == int(value) else 2).format(count=points_number(value))


def verdict(share: float) -> tuple[str, str]:
    if share >= 1:
        return "✔", _("Correct.")
    if share > 0:
        return "◐", _("Partly correct.")
    return "✘", _("Not correct yet.")


def _quoted(text: str) -> str:
    return _("“{text}”").format(text=text)


def describe(definition: dict, value) -> str:
    """An answer in words, as the status line and the feedback show it.

    The words of the options, never their letters: the trainee saw them in their own
    shuffled order, without letters."""
    kind = definition["kind"]
    if kind == "single_choice":
        return _quoted(definition["options"][value])
    if kind == "multiple_choice":
        # Long options are hard to read back in a line: a few words of each.
        return "; ".join(_quoted(_few_words(definition["options"][key])) for key in value)
    if kind == "number":
        unit = definition.get("unit", "")
        return f"{numbers.show(value)} {unit}".strip()
    if kind == "matching":
        left, right = definition["left"], definition["right"]
        return "; ".join(f"{_few_words(left[item])} → {right[match]}"
                         for item, match in value.items())
    if kind == "ordering":
        items = definition["items"]
        return " → ".join("?" if item in EMPTY else items[item] for item in value)
    return _short(value)


def _few_words(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def not_answered(definition: dict) -> str:
    if definition["kind"] == "code_task":
        return _("Optional code task {id} is not answered. It is a bonus: you can submit "
                 "without it. To try it, replace None with your code.").format(
            id=definition["id"])
    how_to = _(definition.get("how_to") or HOW_TO).format(example=definition.get("example", ""))
    return _("Exercise {id} is not answered yet.").format(id=definition["id"]) + " " + how_to


# The sentence that says how to answer, when a definition carries none.
HOW_TO = "Answer with the controls above."


def saved(definition: dict, value) -> str:
    """The status line under nbgrader once an answer is saved."""
    if definition["kind"] == "code_task":
        return _("Saved: code task {id}, you gave {value}. It is checked after you submit."
                 ).format(id=definition["id"], value=_short(value))
    return _("Saved: exercise {id}, your answer {answer}.").format(
        id=definition["id"], answer=describe(definition, value))


def cannot_keep(value) -> str:
    return _("{value} cannot be saved for grading: give a number, a text, or a list of them."
             ).format(value=_short(value))


def grade(definition: dict, value, key, why: str = "", **options) -> tuple[float, str]:
    """Points earned and the feedback sentence (with the explanation) of a hidden test."""
    share, detail = score(definition, value, key, **options)
    points = definition.get("points", 1)
    if definition["kind"] == "code_task":
        earned = float(points) if share >= 1 else 0.0
        text = _("{sign} Code task {id}: {detail}").format(
            sign="✔" if share >= 1 else "✘", id=definition["id"], detail=detail)
        return earned, f"{text} {why}".strip()
    earned = round(points * max(0.0, min(1.0, share)), 2)
    sign, words = verdict(share)
    text = _("{sign} Exercise {id}: {verdict} {detail}").format(
        sign=sign, id=definition["id"], verdict=words, detail=detail)
    text = f"{text} {why}".strip()
    return earned, text + " " + _("({earned} of {points})").format(
        earned=points_text(earned), points=points_number(points))
