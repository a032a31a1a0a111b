"""How a figure written in a notebook is checked against its value: the rules, in one place.

A claim is a number as the trainee reads it, with its hedge word: "6.92%", "about 6.5%",
"more than half", "nearly one in five", "roughly doubled", "USD 647 billion".

* No hedge: the written number is the value rounded to the digits written
  ("6.92%" holds for 6.915 to 6.925; "279" for 278.5 to 279.5).
* "about", "around", "roughly", "some", "approximately": within 5% of the written number.
* "almost", "nearly", "just under": below the written number, by at most 5% of it.
* "more than", "over", "above", "at least": above it (or equal, for "at least"), by at most 15%.
* "less than", "fewer than", "under", "below": below it, by at most 15%.

The tolerances are relative to the written number: "about 300 million" holds for 285 to 315
million, "about a quarter" for 23.75% to 26.25%. The written scale counts: "million" and
"billion" multiply; a percentage is compared with a value in percent (53 for "53%"); a
fraction word ("half", "a quarter", "two-thirds", "one in five") with a share (0.5 for
"half"); a multiple ("twice", "doubled", "three times") with a ratio.

A figure quoted from a publication that is not in data/ is a constant with its publisher in
the fact file, checked by the same rules; a ``Cited`` claim when the publisher itself hedges
("more than 200 million"): then the notebook must say what the publisher says, hedge and all.
A number that only draws a line ("corridors that cost less than 3%") is a ``Threshold``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABOUT, ALMOST, MORE, AT_LEAST, LESS = "about", "almost", "more", "at least", "less"
HEDGES = {  # longest phrases first, so that "just under" is not read as "under"
    "approximately": ABOUT, "about": ABOUT, "around": ABOUT, "roughly": ABOUT, "some": ABOUT,
    "almost": ALMOST, "nearly": ALMOST, "just under": ALMOST,
    "more than": MORE, "over": MORE, "above": MORE, "at least": AT_LEAST,
    "less than": LESS, "fewer than": LESS, "under": LESS, "below": LESS,
}
CLOSE = 0.05  # "about" either side, "almost" below
BEYOND = 0.15  # "more than" above, "less than" below

FRACTIONS = {
    "half": 1 / 2, "a third": 1 / 3, "one third": 1 / 3, "two-thirds": 2 / 3,
    "two thirds": 2 / 3, "a quarter": 1 / 4, "one quarter": 1 / 4, "three quarters": 3 / 4,
    "three-quarters": 3 / 4, "a fifth": 1 / 5, "one fifth": 1 / 5, "a tenth": 1 / 10,
}
_SPELLED = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MULTIPLES = {"twice": 2, "doubled": 2, "double": 2, "tripled": 3,
             **{f"{word} times": n for n, word in enumerate(_SPELLED, start=2)}}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
NUMBER = r"(?<![\w.\-/])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])"
_ONE_IN = re.compile(rf"(?:one|1) in ({NUMBER}|five|four|three|ten)")
_WORDS = {"three": 3, "four": 4, "five": 5, "ten": 10}
_AMOUNT = re.compile(rf"({NUMBER})\s*(%|per cent|percent|{'|'.join(SCALES)})?")


@dataclass(frozen=True)
class Cited:
    """A figure from a publication, as its publisher states it ("more than 200 million")."""

    claim: str
    source: str


@dataclass(frozen=True)
class Threshold:
    """A number that draws a line ("cost less than 3%", "more than a quarter of GDP in some
    countries"): the claim must name this number, and ``check`` (if given) says whether what
    the sentence says about the things beyond the line is true of the data."""

    number: float
    check: object = None


@dataclass(frozen=True)
class Reading:
    hedge: str | None
    number: float  # in the unit of the value it is checked against
    digits: int  # decimals written, for the no-hedge rule


def read(claim: str) -> Reading:
    """The hedge and the number of a claim as written; ValueError if it holds no number."""
    text = " ".join(claim.lower().split())
    hedge = None
    for phrase in sorted(HEDGES, key=len, reverse=True):
        if re.search(rf"\b{phrase}\b", text):
            hedge, text = HEDGES[phrase], re.sub(rf"\b{phrase}\b", " ", text, count=1)
            break
    if match := _ONE_IN.search(text):
        n = match.group(1)
        return Reading(hedge, 1 / (_WORDS.get(n) or float(n.replace(",", ""))), 6)
    for word, share in sorted(FRACTIONS.items(), key=lambda w: -len(w[0])):
        if re.search(rf"\b{word}\b", text):
            return Reading(hedge, share, 6)
    for word, ratio in sorted(MULTIPLES.items(), key=lambda w: -len(w[0])):
        if re.search(rf"\b{word}\b", text):
            return Reading(hedge, ratio, 6)
    match = _AMOUNT.search(text)
    if not match:
        raise ValueError(f"no number in the claim {claim!r}")
    written, scale = match.group(1).replace(",", ""), match.group(2) or ""
    digits = len(written.split(".")[1]) if "." in written else 0
    return Reading(hedge, float(written) * SCALES.get(scale, 1), digits)


def holds(claim: str, value: float) -> bool:
    """Whether the claim, as written, is true of the value (see the rules above)."""
    r = read(claim)
    x, v = r.number, float(value)
    if r.hedge is None:
        scale = next((SCALES[w] for w in SCALES if w in claim.lower()), 1)
        return round(v / scale, r.digits) == round(x / scale, r.digits)
    if r.hedge == ABOUT:
        return abs(v - x) <= CLOSE * abs(x)
    if r.hedge == ALMOST:
        return x * (1 - CLOSE) <= v < x
    if r.hedge == MORE:
        return x < v <= x * (1 + BEYOND)
    if r.hedge == AT_LEAST:
        return x <= v <= x * (1 + BEYOND)
    return x * (1 - BEYOND) <= v < x  # LESS


def same_claim(written: str, cited: Cited) -> bool:
    """A cited figure: the notebook's hedge and number are the publisher's."""
    a, b = read(written), read(cited.claim)
    return a.hedge == b.hedge and abs(a.number - b.number) <= 1e-9 * max(1, abs(b.number))


# --- which sentences state a number -------------------------------------------------------
# A number that is a name, a date or a place in the course is not a figure to check. Each rule
# removes such spans before a sentence is searched for figures; its comment says why.
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November"
           "|December")
NOT_FIGURES = [
    (r"https?://\S+|`[^`]*`", "addresses and code"),
    (r'"[^"]*"|“[^”]*”', "quoted words: what a report or a person says, not a course figure"),
    (rf"\b\d{{1,2}}(?:–\d{{1,2}})? (?:{_MONTHS})\b", "days of the year"),
    (rf"\b(?:\d{{1,2}} )?(?:{_MONTHS}|Jan|Mar)(?: \d{{1,2}},?)? \d{{4}}\b", "dates"),
    ((r"\b(?:Q[1-4] |mid-|early |late |the )?(?:19|20)\d\d(?:Q[1-4]|s)?"
     r"(?:\s*[–/-]\s*(?:(?:19|20)\d\d|\d\d)(?:Q[1-4])?)?\b"), "years and periods"),
    (r"\b\d+(?:\s*[–-]\s*\d+)?½? ?(?:min|minutes|hours?)\b|\b\d+ to \d+½? hours\b",
     "durations"),
    ((r"\b(?:[Nn]otebooks?|[Ss]ections?|[Mm]odules?|[Ss]teps?|[Pp]arts?|[Cc]hapters?|[Ii]ssue"
     r"|[Vv]ersion|[Ee]dition|[Pp]hase|[Ee]xercises?|[Ll]evel|[Ss]ession|[Pp]aper|[Aa]rrow|Revision)"
     r" \d+(?:[.,]\d+)*(?:(?:,| and| or| to|–)\s*\d+)*\b"), "parts of the course and of documents"),
    ((r"\b(?:GCM |the GCM's )?[Oo]bjectives? \d+(?:(?:,|, and| and| or|–)\s*\d+)*\b"
     r"|\bGCM \d+\b"), "GCM objective numbers"),
    ((r"\b(?:SDG|[Tt]arget|[Gg]oal|[Ii]ndicator)s? \d+(?:\.\w+)*"
     r"(?:(?:,| and)\s*\d+(?:\.\w+)*)*\b|\b10\.[7c]\b"), "SDG goal, target and indicator numbers"),
    ((r"\b[A-Z]+(?:/[\w.()]+)+|\b\d+/\d+\b|Rev\.\d+|\b[A-Z]{2,}(?:\.[A-Z]+)+\b"
     r"|\b[A-Z]{3,} \d\b"), "document symbols, codes and names of programmes"),
    (r"\b[qtrps]\d+\b|\b\d+ points?\b|\b[1-5] = \w+|\brate \d or \d\b",
     "exercise names, points and rating scales"),
    (r"^\s*(?:>\s*)*(?:#+ )?\d+(?:\.\d+)*\.?(?=\s|$)|^\s*\|\s*\d+\.?\s*\|",
     "numbered headings, lists and rows"),
    (r"^\s*\|\s*\**\d+(?:\.(?:\d+|[a-c]))*\.?", "numbered rows (and target numbers)"),
    (r"\b(?:first|second) half\b|\b(?:per|every) 1(?:00|,000)\b",
     "parts of the course and units of rates"),
    (r"\bUSD 200\b|\bUS\$ 200\b", "the survey's standard transfer (USD 200)"),
    ((r"(?<!about )(?<!\$ )(?<!USD )\b(?:[1-9]|1[0-7])\.(?:1[0-9]|[1-9]|[a-c])\b"
     r"(?!%| million| billion| times| per)"), "SDG target numbers (10.7, 8.8, 4.b)"),
    (r"\((?:[1-9]|1\d|2[0-3])\)|(?<=[|;] )(?:[1-9]|1\d|2[0-3]) (?=[A-Z][a-z])",
     "GCM objective numbers before their label: (19), 21 Dignified return"),
    (r"\b(?:other )?half of the target\b", "the two parts of SDG target 10.c"),
]
_NOT_FIGURES = re.compile("|".join(f"(?:{pattern})" for pattern, _ in NOT_FIGURES), re.MULTILINE)
_WORD_FIGURES = "|".join(sorted({*FRACTIONS, *MULTIPLES}, key=len, reverse=True))
# A fraction states a figure when it is a share "of" something ("half of all migrants"),
# a multiple when it compares ("doubled", "twice as", "three times").
FIGURE = re.compile(rf"{NUMBER}|\b(?:{'|'.join(sorted(FRACTIONS, key=len, reverse=True))})"
                    rf"(?= of\b)|\b(?:doubled|tripled|twice as|(?:{'|'.join(_SPELLED)}) times)\b",
                    re.IGNORECASE)


# A sentence that says its example is made up states the course's own givens, not figures.
FICTION = re.compile(r"\b(?:imaginary|fictional)\b", re.IGNORECASE)


def figures(sentence: str) -> list[re.Match]:
    """The spans of a sentence that state a figure (after the NOT_FIGURES rules)."""
    if FICTION.search(sentence):
        return []
    masked = _NOT_FIGURES.sub(lambda m: " " * len(m.group()), sentence)
    return list(FIGURE.finditer(masked))


def sentences(markdown: str) -> list[str]:
    """A cell's text as sentences: lines joined, split after . ! ? and at list items and rows."""
    parts = []
    for block in re.split(r"\n(?=[ \t]*(?:>[ \t]*)*(?:[-*|][ \t]|\d+\.[ \t]|#))|\n[ \t>]*\n",
                          markdown):
        text = " ".join(re.sub(r"^[ \t]*(?:>[ \t]?)+", "", line) for line in block.splitlines())
        text = " ".join(text.split())
        parts += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(*\"“])", text) if s]
    return parts
