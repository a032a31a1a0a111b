"""The trainee's language: ``_("…")`` and ``ngettext`` for every trainee-facing string.

    from toolbox_widgets.trainee.i18n import _
    fig.update_layout(title=_("International migrants in the world"))

`mld build` extracts every string marked this way: the notebooks' into the module's
catalog template (locales/<module>.pot), the package's own (toolbox_widgets/trainee/)
into locales/toolbox_widgets.pot. Mark whole sentences, never pieces of one, and put
numbers in with str.format after the lookup:
``ngettext("{count} exercise is open.", "{count} exercises are open.", n).format(count=n)``.

At run time ``use_language("fr")`` (called by ``Workbook(name, language="fr")``) switches
to the compiled package catalog ``locales/fr/LC_MESSAGES/toolbox_widgets.mo`` beside this
file, which `mld build` writes. A string the catalog does not know (a notebook's own,
already translated at build time) comes back unchanged. Only the standard library is
imported here (Babel only when a date is written): the kernel stays quick to start.
"""

from __future__ import annotations

import datetime
import gettext
import numbers
import os
import string
from pathlib import Path

DOMAIN = "toolbox_widgets"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
# Tests of built notebooks point a kernel at catalogs of their own (the pseudo-locale qps,
# which the build does not compile into the package): <folder>/<lang>/LC_MESSAGES/*.mo.
ENV_VAR = "TOOLBOX_LOCALE_DIR"
ENGLISH = "en"

# The kernel's one language: its code and its catalog.
_state: dict = {"language": ENGLISH, "catalog": gettext.NullTranslations()}


class Message(str):
    """A translated message whose ``.format()`` writes numbers and dates as the trainee's
    language does: ``tr("{share:.1f} %").format(share=2.5)`` gives "2,5 %" in French, and a
    date field with no format spec gives "10 octobre 2013" (English: "10 October 2013").
    Other fields format as Python's str.format does."""

    def format(self, *args, **kwargs) -> str:
        return _LocalFormatter().vformat(str(self), args, kwargs)


class _LocalFormatter(string.Formatter):
    def format_field(self, value, format_spec: str) -> str:
        if isinstance(value, datetime.date) and not format_spec:
            return long_date(value, _state["language"])
        if (isinstance(value, bool) or not isinstance(value, (int, float, numbers.Number))
                or _state["language"] == ENGLISH):
            return super().format_field(value, format_spec)
        english = super().format_field(value, format_spec)
        return localized_digits(english, _state["language"])


def long_date(value: datetime.date, code: str) -> str:
    """A date written out in the language ("10 de octubre de 2013"), by Babel (the CLDR);
    ISO (2013-10-10) in a language Babel does not know, such as the test locale qps."""
    from babel.core import UnknownLocaleError  # lazy: only a date in a sentence needs it
    from babel.dates import format_date

    try:  # the course writes British English: "10 October 2013"
        return format_date(value, "long", locale="en_GB" if code == ENGLISH else code)
    except (UnknownLocaleError, ValueError):
        return value.isoformat()


# How a language writes "1,234.5": its thousands separator and decimal mark.
SEPARATORS = {"fr": ("\u202f", ","), "es": ("\u00a0", ",")}


def localized_digits(english: str, code: str) -> str:
    """Python's English number text ("1,234.5") in the language's marks ("1 234,5").
    Spanish groups only numbers of five digits or more (2500, but 25 000)."""
    thousands, decimal = SEPARATORS.get(code.split("_")[0], (",", "."))
    whole = english.split(".")[0]
    if code.startswith("es") and len(whole.lstrip("-+").replace(",", "")) <= 4:
        english = english.replace(",", "")
    return english.translate(str.maketrans({",": thousands, ".": decimal}))


def _(message: str) -> str:
    """The message in the trainee's language (English when no catalog is in use)."""
    return Message(_state["catalog"].gettext(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of the message for ``count``, by the trainee's language's plural rule."""
    return Message(_state["catalog"].ngettext(singular, plural, count))


def language() -> str:
    """The code of the language in use: "en", "fr", "es" …"""
    return _state["language"]


def catalog_file(code: str) -> Path:
    folder = Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else LOCALE_DIR
    return folder / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def use_language(code: str | None = None) -> str:
    """Show the package's messages in the language ``code`` from now on.

    Returns "" when it worked, else one plain English sentence (also when the language
    is unknown or its catalog is damaged); English is then used. Never raises.
    """
    wanted = str(code or ENGLISH).strip().replace("-", "_")
    _state.update(language=ENGLISH, catalog=gettext.NullTranslations())
    if wanted.split("_")[0].lower() in ("", ENGLISH):
        return ""
    # "fr_FR" falls back to "fr"; the first catalog found is used.
    for candidate in dict.fromkeys([wanted, wanted.split("_")[0].lower()]):
        path = catalog_file(candidate)
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as file:
                catalog = gettext.GNUTranslations(file)
            # The modules' catalogs (core.mo …) come after the package's: graded cells
            # keep their English literals, so their explanations are looked up here.
            for module in sorted(path.parent.glob("*.mo")):
                if module != path:
                    with open(module, "rb") as file:
                        catalog.add_fallback(gettext.GNUTranslations(file))
        except (OSError, ValueError, UnicodeDecodeError) as error:
            return (f"The course's messages in the language {wanted!r} could not be read "
                    f"({path.name}: {error}); they are shown in English. Reinstall the "
                    "course package to repair it.")
        _state.update(language=candidate, catalog=catalog)
        return ""
    return (f"The course has no messages in the language {wanted!r}; they are shown in "
            "English.")


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined (a class attribute read at
    import time); the code translates it with _() where it is shown."""
    return message


def set_language(code: str | None = None) -> None:
    """For notebooks without a Workbook (the glossary): the package's words, numbers and
    country names in the language ``code`` ("fr", "es"; English by default). A language
    the course does not have gives one plain line, and English."""
    note = use_language(code)
    if note:
        print("! " + note)
