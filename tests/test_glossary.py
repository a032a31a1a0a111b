"""The course glossary: its JSON file, the look-up functions and the search box."""

from __future__ import annotations

import json
from importlib import resources

import ipywidgets as widgets
import pytest

from toolbox_widgets.trainee import glossary
from toolbox_widgets.trainee.glossary import define, lookup, search_box, terms


@pytest.fixture(scope="module")
def document() -> dict:
    folder = resources.files("toolbox_widgets.trainee.glossary")
    text = (folder / "en.json").read_text(encoding="utf-8")
    return json.loads(text)


@pytest.fixture(autouse=True)
def outside_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def test_the_file_loads_with_its_header(document):
    assert document["language"] == "en"
    assert document["title"].strip()
    assert document["note"].strip()
    assert isinstance(document["terms"], list)


def test_enough_terms_each_named_once(document):
    names = [entry["term"] for entry in document["terms"]]
    assert len(names) >= 55
    assert len(names) == len(set(names)), "a term appears twice"
    assert len({n.casefold() for n in names}) == len(names), "two terms differ only in case"


def test_terms_are_sorted_alphabetically(document):
    names = [entry["term"] for entry in document["terms"]]
    assert names == sorted(names, key=str.casefold)


def test_every_entry_is_complete(document):
    for entry in document["terms"]:
        assert {"term", "definition", "related", "source"} <= set(entry), entry.get("term")
        definition = entry["definition"].strip()
        assert definition, f"{entry['term']}: empty definition"
        assert len(entry["definition"]) <= 400, f"{entry['term']}: definition too long"
        assert entry["source"].strip(), f"{entry['term']}: no source"
        assert isinstance(entry["related"], list)


def test_every_related_term_exists(document):
    names = {entry["term"] for entry in document["terms"]}
    for entry in document["terms"]:
        for related in entry["related"]:
            assert related in names, f"{entry['term']} points to a missing term {related!r}"
            assert related != entry["term"], f"{entry['term']} is related to itself"
        assert len(entry["related"]) == len(set(entry["related"])), entry["term"]


def test_core_module_terms_are_present(document):
    names = {entry["term"] for entry in document["terms"]}
    for needed in ["Remittances", "Migrant stock", "Migration flow", "Refugee", "Asylum-seeker",
                   "Internally displaced person (IDP)", "SDG target 10.7", "SDG target 10.c",
                   "Global Compact for Migration (GCM)", "Global Compact on Refugees (GCR)",
                   "New Urban Agenda", "GFMD Mayors Mechanism", "Marrakech Mayors Declaration",
                   "Local-to-local partnership", "Migration and development nexus",
                   "Urban refugee"]:
        assert needed in names, needed


def test_terms_table_has_one_row_per_entry(document):
    table = terms()
    assert len(table) == len(document["terms"])
    assert {"term", "definition", "related", "source"} <= set(table.columns)


def test_lookup_finds_remittances():
    found = [entry["term"] for entry in lookup("remit")]
    assert "Remittances" in found


def test_lookup_is_case_blind_and_empty_for_blank():
    assert [e["term"] for e in lookup("REMIT")] == [e["term"] for e in lookup("remit")]
    assert lookup("   ") == []


def test_define_gives_the_definition():
    text = define("remittances")
    assert text.startswith("Remittances: ")
    assert len(text) > len("Remittances: ") + 20


def test_define_unknown_word_says_not_in_the_glossary():
    assert "not in the glossary" in define("zzqxj")


def test_an_unknown_language_is_explained():
    with pytest.raises(ValueError, match="no glossary"):
        terms("xx")


def test_search_box_has_a_labelled_text_control():
    box = search_box()
    assert isinstance(box, widgets.VBox)
    text = next(c for c in box.children if isinstance(c, widgets.Text))
    assert text.description.strip(), "the search field needs a visible label"


def test_search_box_results_follow_the_typed_value():
    box = search_box()
    text = next(c for c in box.children if isinstance(c, widgets.Text))
    results = next(c for c in box.children if isinstance(c, widgets.HTML))
    assert "Type a word" in results.value
    text.value = "remit"
    assert "Remittances" in results.value
    assert "found" in results.value
    text.value = "zzqxj"
    assert "No term matches" in results.value
    text.value = ""
    assert "Type a word" in results.value


def test_search_box_escapes_what_is_typed():
    box = search_box()
    text = next(c for c in box.children if isinstance(c, widgets.Text))
    results = next(c for c in box.children if isinstance(c, widgets.HTML))
    text.value = "<script>"
    assert "<script>" not in results.value


def test_search_box_under_nbgrader_is_plain_html(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    shown = search_box(start="diaspora")
    # No text box to type in (nbgrader runs without a browser): only the rendered results.
    assert not isinstance(shown, widgets.Box)
    html = getattr(shown, "value", None) or getattr(shown, "data", "")
    assert "<dl>" in html and "Diaspora" in html


def test_module_exports():
    for name in ("terms", "lookup", "define", "search_box"):
        assert callable(getattr(glossary, name))
