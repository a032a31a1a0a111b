"""The glossary in other languages: one English file, a template, catalogs, and the
<lang>.json the build writes for a released language."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest

from toolbox_widgets.course import catalogs, glossary_catalog

ROOT = Path(__file__).resolve().parents[1]


def english() -> dict:
    return json.loads(glossary_catalog.ENGLISH.read_text(encoding="utf-8"))


def course(tmp_path: Path, fill, fuzzy: str | None = None) -> Path:
    """A scratch course with the real glossary, Core released in 'qps', and a glossary
    catalog filled by fill(entry); the entry whose msgid is `fuzzy` is left fuzzy."""
    root = tmp_path / "course"
    shutil.copytree(ROOT / glossary_catalog.IN_COURSE, root / glossary_catalog.IN_COURSE)
    (root / "locales" / "qps" / "LC_MESSAGES").mkdir(parents=True)
    (root / "locales" / "qps" / "released").write_text("core\n")
    glossary_catalog.write_template(root)
    po = polib.pofile(str(catalogs.template_path(root, glossary_catalog.MODULE)))
    po.metadata["Language"] = "qps"
    for entry in po:
        entry.msgstr = fill(entry)
        if entry.msgid == fuzzy:
            entry.flags.append("fuzzy")
    po.save(str(catalogs.catalog_path(root, "qps", glossary_catalog.MODULE)))
    return root


def test_the_template_holds_every_name_definition_and_source_once():
    glossary, pot = english(), glossary_catalog.template()
    entries = {(e.msgctxt, e.msgid) for e in pot}
    assert len(entries) == len(pot)  # no entry twice
    for term in glossary["terms"]:
        for field in glossary_catalog.FIELDS:
            assert (field, term[field]) in entries
        for related in term.get("related", []):
            assert ("term", related) in entries


def test_the_committed_template_is_current():
    committed = catalogs.template_path(ROOT, glossary_catalog.MODULE)
    assert committed.read_text(encoding="utf-8") == glossary_catalog.template_text(), (
        "locales/glossary.pot is out of date: run `mld build`")


def test_a_released_language_gets_the_same_terms_in_the_same_order(tmp_path):
    root = course(tmp_path, lambda e: f"[{e.msgid}]")
    written = glossary_catalog.write_languages(root)
    assert written == [root / glossary_catalog.IN_COURSE / "qps.json"]
    made, glossary = json.loads(written[0].read_text(encoding="utf-8")), english()
    assert made["language"] == "qps"
    assert [t["term"] for t in made["terms"]] == [f"[{t['term']}]" for t in glossary["terms"]]
    assert made["terms"][0]["definition"] == f"[{glossary['terms'][0]['definition']}]"
    names = {t["term"] for t in made["terms"]}
    # A related term reads exactly as the name of an entry of the translated glossary,
    # wherever the English one does.
    for mine, theirs in zip(made["terms"], glossary["terms"]):
        assert mine["related"] == [f"[{r}]" for r in theirs.get("related", [])]
        english_names = {t["term"] for t in glossary["terms"]}
        assert all(r in names for r, e in zip(mine["related"], theirs["related"])
                   if e in english_names)
    assert glossary_catalog.stale(root) == []


def test_a_fuzzy_entry_stops_the_release_and_names_the_file(tmp_path):
    first = english()["terms"][0]["definition"]
    root = course(tmp_path, lambda e: f"[{e.msgid}]", fuzzy=first)
    with pytest.raises(catalogs.CatalogError) as error:
        glossary_catalog.write_languages(root)
    assert "glossary.po" in str(error.value) and "fuzzy" in str(error.value)


def test_a_changed_number_stops_the_release(tmp_path):
    def fill(entry):
        return entry.msgid.replace("2030", "2031") if "2030" in entry.msgid else entry.msgid
    root = course(tmp_path, fill)
    with pytest.raises(catalogs.CatalogError) as error:
        glossary_catalog.write_languages(root)
    assert "2031" in str(error.value)


def test_a_stale_language_file_is_reported(tmp_path):
    root = course(tmp_path, lambda e: f"[{e.msgid}]")
    glossary_catalog.write_languages(root)
    target = root / glossary_catalog.IN_COURSE / "qps.json"
    target.write_text(target.read_text(encoding="utf-8").replace("[", "(", 1), encoding="utf-8")
    assert any("qps.json" in p for p in glossary_catalog.stale(root))


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_committed_catalogs_translate_the_whole_glossary(language):
    path = catalogs.catalog_path(ROOT, language, glossary_catalog.MODULE)
    if not path.exists():
        pytest.skip(f"no {language} glossary catalog yet")
    made = glossary_catalog.translated(ROOT, language)
    assert len(made["terms"]) == len(english()["terms"])
    assert all(t["term"] and t["definition"] for t in made["terms"])


def test_a_term_is_found_by_its_english_name_in_every_language():
    from toolbox_widgets.trainee import glossary

    for language in ("en", "fr", "es"):
        table = glossary.terms(language)
        assert len(table[table["key"] == "Global Compact for Migration (GCM)"]) == 1
        name = table[table["key"] == "Refugee"].iloc[0]["term"]
        assert glossary.define("Refugee", language).startswith(name + ":")
        if language != "en":  # the key stays English, the name is the language's
            assert (table["key"] != table["term"]).sum() > len(table) / 2
