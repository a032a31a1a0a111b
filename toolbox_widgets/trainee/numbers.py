"""Numbers as the trainee reads and types them, in the language in use (i18n.language()).

Shown: with the marks of docs/style/ ("1,000.5" in English, "1 000,5" in French,
"61 082,5" and "2500" in Spanish), the same as the numbers in messages
(i18n.localized_digits).

Typed (``read``): Babel's strict parser refuses what trainees type every day ("2.5" in
Spanish, "1 000,5" with an ordinary space), so the rules are ours, one per language:

* English: "." is the decimal point and "," groups thousands ("1,000" is a thousand).
  A single comma not followed by exactly three digits ("2,5") is a decimal comma, as
  many trainees write it.
* French and Spanish (and any other language whose decimal sign is a comma): "," is the
  decimal sign and spaces group thousands ("1 000,5"). "2.5" is also read as two and a
  half. A dot before a comma groups thousands ("1.000,5"), as in Spanish.
  "1,000" and "1.000" are ambiguous there: one in the French rule, a thousand by English
  or Spanish habit. Guessing would score a trainee on a number they did not mean, so they
  are refused with a sentence that says how to write each.
"""

from __future__ import annotations

import re

from .i18n import ENGLISH, _, language, localized_digits

SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
# Languages whose decimal sign is a point; every other course language uses a comma.
POINT_LANGUAGES = {ENGLISH}


class NumberError(ValueError):
    """Text that cannot be read as one number; the message is a plain sentence."""


def _ambiguous(text: str) -> NumberError:
    whole, _sep, tail = re.split(r"([.,])", text, maxsplit=1)
    return NumberError(_("“{text}” can be read as {small} or as {large}: type {small_typed} "
                         "or {large_typed}, without the separator.").format(
        text=text, small=show(float(f"{whole}.{tail}")), large=show(float(whole + tail)),
        small_typed=show(float(f"{whole}.{tail}"), grouped=False),
        large_typed=show(float(whole + tail), grouped=False)))


def read(text: str, code: str | None = None) -> float:
    """The number the trainee meant by ``text``, or NumberError with a plain reason."""
    code = code or language()
    raw = str(text).strip()
    plain = SPACES.sub("", raw.rstrip("%").strip())
    if plain[:1] and plain[0] in "+-":
        sign, plain = plain[0], plain[1:]
    else:
        sign = ""
    if (not re.fullmatch(r"\d[\d.,]*|[.,]\d+", plain) or plain[-1] in ".,"
            or re.search(r"[.,]{2}", plain)):
        raise NumberError(_("“{text}” is not a number: type digits, with a decimal point or "
                            "comma if needed.").format(text=raw))
    commas, dots = plain.count(","), plain.count(".")
    if commas and dots:  # the last sign is the decimal one, the other groups thousands
        decimal = "," if plain.rindex(",") > plain.rindex(".") else "."
        grouping = "." if decimal == "," else ","
        head, _sep, tail = plain.rpartition(decimal)
        if decimal in head or grouping in tail:
            raise NumberError(_("“{text}” is not a number: type digits, with a decimal point "
                                "or comma if needed.").format(text=raw))
        plain = head.replace(grouping, "") + "." + tail
    elif commas or dots:
        sep = "," if commas else "."
        head, _sep, tail = plain.rpartition(sep)
        three = len(tail) == 3 and (commas + dots) == 1 and head not in ("", "0")
        if code.split("_")[0] in POINT_LANGUAGES:
            if sep == "," and (commas > 1 or three):
                plain = plain.replace(",", "")  # English thousands: 1,000 and 1,000,000
            elif commas + dots > 1:
                plain = plain.replace(".", "") if sep == "." else plain
            else:
                plain = f"{head}.{tail}"
        elif three:
            raise _ambiguous(plain)
        elif commas + dots > 1:  # 1.000.000 (Spanish grouping)
            plain = plain.replace(sep, "")
        else:
            plain = f"{head}.{tail}"
    try:
        return float(sign + plain)
    except ValueError:
        raise NumberError(_("“{text}” is not a number: type digits, with a decimal point or "
                            "comma if needed.").format(text=raw)) from None


def show(value: float, *, grouped: bool = True, decimals: int | None = None,
         code: str | None = None) -> str:
    """A number as the trainee's language writes it: at most 12 significant digits, or
    exactly ``decimals`` decimals (tables). The same marks as the numbers in messages
    (i18n.localized_digits), so a table and the sentence under it agree."""
    code = code or language()
    if decimals is None:
        python = ",.12g" if grouped else ".12g"
    else:
        python = f"{',' if grouped else ''}.{decimals}f"
    english = format(float(value), python)
    return english if code.split("_")[0] == ENGLISH else localized_digits(english, code)
