"""The course glossary: one JSON file per language, and a search box for any notebook.

    from toolbox_widgets.trainee.glossary import search_box, define
    search_box()              # type a word; matching terms and definitions appear
    define("remittances")     # the definition, as text
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib import resources

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from ..answers import nbgrader_mode


@lru_cache(maxsize=None)
def _entries(language: str) -> tuple[dict, ...]:
    name = f"{language}.json"
    try:
        text = (resources.files(__package__) / name).read_text(encoding="utf-8")
        entries = json.loads(text)["terms"]
    except FileNotFoundError:
        raise ValueError(f"There is no glossary for the language {language!r} "
                         f"(no file {name} in toolbox_widgets/trainee/glossary).") from None
    except (ValueError, KeyError) as error:
        raise ValueError(f"The glossary file {name} is damaged ({error}); reinstall the "
                         "course package or restore the file from the repository.") from None
    return tuple(entries)


def terms(language: str = "en") -> pd.DataFrame:
    """Every entry as a table: term, definition, related terms, source."""
    return pd.DataFrame(list(_entries(language)))


def lookup(query: str, language: str = "en") -> list[dict]:
    """Entries whose term, or else whose definition, contains the query."""
    query = query.strip().casefold()
    if not query:
        return []
    entries = _entries(language)
    in_term = [e for e in entries if query in e["term"].casefold()]
    # Best match first: the exact term, then terms that start with the query.
    in_term.sort(key=lambda e: (e["term"].casefold() != query,
                                not e["term"].casefold().startswith(query)))
    in_text = [e for e in entries if e not in in_term and query in e["definition"].casefold()]
    return in_term + in_text


def define(term: str, language: str = "en") -> str:
    """The definition of one term (exact name first, then the closest match)."""
    found = lookup(term, language)
    exact = [e for e in found if e["term"].casefold() == term.strip().casefold()]
    if not (exact or found):
        return f"“{term}” is not in the glossary yet. Try a shorter word."
    entry = (exact or found)[0]
    return f"{entry['term']}: {entry['definition']}"


def _render(entries: list[dict], query: str) -> str:
    if not query.strip():
        return "<p>Type a word to search the glossary.</p>"
    if not entries:
        return f"<p>No term matches “{html.escape(query)}”. Try a shorter word.</p>"
    items = "".join(
        f"<dt><strong>{html.escape(e['term'])}</strong></dt>"
        f"<dd>{html.escape(e['definition'])}"
        + (f" <em>See also: {html.escape(', '.join(e.get('related', [])))}.</em>"
           if e.get("related") else "")
        + "</dd>"
        for e in entries)
    return (f"<p role=\"status\" aria-live=\"polite\">{len(entries)} term"
            f"{'' if len(entries) == 1 else 's'} found.</p><dl>{items}</dl>")


def search_box(language: str = "en", start: str = ""):
    """A labelled search box whose results update as you type."""
    if nbgrader_mode():
        # No browser during grading: plain HTML reads well in the feedback.
        return HTML(_render(lookup(start, language), start))
    box = widgets.Text(value=start, placeholder="e.g. remittances, diaspora, stock",
                       description="Search the glossary:",
                       style={"description_width": "initial"})
    results = widgets.HTML(_render(lookup(start, language), start))

    def update(change):
        results.value = _render(lookup(change["new"], language), change["new"])

    box.observe(update, names="value")
    return widgets.VBox([box, results])
