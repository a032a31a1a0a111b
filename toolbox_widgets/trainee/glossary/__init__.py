"""The course glossary: one JSON file per language, and a search box for any notebook.

    from toolbox_widgets.trainee.glossary import search_box, define
    search_box()              # type a word; matching terms and definitions appear
    define("remittances")     # the definition, as text
"""

from __future__ import annotations

import html
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from ..answers import nbgrader_mode
from ..i18n import ENGLISH, ENV_VAR, _, ngettext
from ..i18n import language as kernel_language


def _language(language: str | None) -> str:
    """The glossary's language: the one asked for, else the kernel's when the course has a
    glossary in it, else English."""
    if language:
        return language
    current = kernel_language()
    return current if _file(current).is_file() else ENGLISH


def _file(language: str):
    """The glossary file of a language: the package's, or, for tests of built notebooks,
    <lang>/glossary.json in the folder of catalogs named by TOOLBOX_LOCALE_DIR (the
    pseudo-locale's glossary is never written into the package)."""
    if os.environ.get(ENV_VAR):
        own = Path(os.environ[ENV_VAR]) / language / "glossary.json"
        if own.is_file():
            return own
    return resources.files(__package__) / f"{language}.json"


@lru_cache(maxsize=None)
def _entries(language: str) -> tuple[dict, ...]:
    name = f"{language}.json"
    try:
        text = _file(language).read_text(encoding="utf-8")
        entries = json.loads(text)["terms"]
    except FileNotFoundError:
        raise ValueError(_("There is no glossary for the language {language} (no file {name} "
                           "in toolbox_widgets/trainee/glossary).").format(
            language=repr(language), name=name)) from None
    except (ValueError, KeyError) as error:
        raise ValueError(_("The glossary file {name} is damaged ({error}); reinstall the "
                           "course package or restore the file from the repository.").format(
            name=name, error=error)) from None
    # Every entry keeps its English name as "key" (the English file's is its term), so
    # that a notebook can name a term the same way in every language.
    return tuple({**entry, "key": entry.get("key", entry["term"])} for entry in entries)


def terms(language: str | None = None) -> pd.DataFrame:
    """Every entry as a table: term, definition, related terms, source."""
    return pd.DataFrame(list(_entries(_language(language))))


def lookup(query: str, language: str | None = None) -> list[dict]:
    """Entries whose term, or else whose definition, contains the query."""
    query = query.strip().casefold()
    if not query:
        return []
    entries = _entries(_language(language))
    in_term = [e for e in entries
               if query in e["term"].casefold() or query == e["key"].casefold()]
    # Best match first: the exact term, then terms that start with the query.
    in_term.sort(key=lambda e: (e["term"].casefold() != query,
                                not e["term"].casefold().startswith(query)))
    in_text = [e for e in entries if e not in in_term and query in e["definition"].casefold()]
    return in_term + in_text


def define(term: str, language: str | None = None) -> str:
    """The definition of one term (exact name first, then the closest match)."""
    found = lookup(term, language)
    wanted = term.strip().casefold()
    exact = [e for e in found if wanted in (e["term"].casefold(), e["key"].casefold())]
    if not (exact or found):
        return _("“{term}” is not in the glossary yet. Try a shorter word.").format(term=term)
    entry = (exact or found)[0]
    return f"{entry['term']}: {entry['definition']}"


def _render(entries: list[dict], query: str) -> str:
    if not query.strip():
        return "<p>{}</p>".format(html.escape(_("Type a word to search the glossary.")))
    if not entries:
        return "<p>{}</p>".format(html.escape(
            _("No term matches “{query}”. Try a shorter word.").format(query=query)))
    see_also = _("See also: {terms}.")
    items = "".join(
        f"<dt><strong>{html.escape(e['term'])}</strong></dt>"
        f"<dd>{html.escape(e['definition'])}"
        + (" <em>{}</em>".format(html.escape(see_also.format(terms=", ".join(e["related"]))))
           if e.get("related") else "")
        + "</dd>"
        for e in entries)
    found = ngettext("{count} term found.", "{count} terms found.", len(entries)).format(
        count=len(entries))
    return (f"<p role=\"status\" aria-live=\"polite\">{html.escape(found)}</p>"
            f"<dl>{items}</dl>")


def search_box(language: str | None = None, start: str = ""):
    """A labelled search box whose results update as you type."""
    if nbgrader_mode():
        # No browser during grading: plain HTML reads well in the feedback.
        return HTML(_render(lookup(start, language), start))
    box = widgets.Text(value=start, placeholder=_("e.g. remittances, diaspora, stock"),
                       description=_("Search the glossary:"),
                       style={"description_width": "initial"})
    results = widgets.HTML(_render(lookup(start, language), start))

    def update(change):
        results.value = _render(lookup(change["new"], language), change["new"])

    box.observe(update, names="value")
    return widgets.VBox([box, results])
