"""Translation catalogs: extraction, translated notebooks, graded logic identical, checks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import polib
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import compute_checksum, is_grade, is_solution

from toolbox_widgets.course import build, catalogs, code_text, layout

LINK_URL = "https://www.un.org/development/desa/pd/"
SAMPLE_MARKDOWN = f"""# Sending money home

Remittances cost **6.2%** on average, about US$ 12 for every $200 sent. See the
[UN DESA page]({LINK_URL}) or run `data.citation("remittances")`.
Press <kbd>Shift</kbd>+<kbd>Enter</kbd>.

| Exercise | Points |
|---|---|
| Give the number of migrants | 2 |

```python
print("code blocks are never translated")
```
"""


def _graded(cell_type, source, grade_id, *, grade=False, solution=False, points=None,
            task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    if task:
        meta["task"] = True
    make = new_code_cell if cell_type == "code" else new_markdown_cell
    return make(source, metadata={"nbgrader": meta})


def sample_notebook() -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[
        new_markdown_cell(SAMPLE_MARKDOWN, id="intro"),
        new_markdown_cell("---\n## Before you submit\n\nRun the next cell.\n\n---\n\nDone.",
                          id="rules"),
        new_code_cell('from toolbox_widgets import tr\n'
                      'print(tr("Your answers are saved."))\n'
                      'print("an unmarked string stays out")\n'
                      'title = tr("Share of migrants (%s)") % "2024"', id="marked"),
        _graded("code", 'book = Workbook("core_01_sample")\n'
                'q1 = book.single_choice("q1", "Which?", {"yes": "Yes", "no": "No"}, points=2)\n'
                '### BEGIN SOLUTION\nq1.answer("no")\n### END SOLUTION\nq1',
                "q1", solution=True),
        _graded("code", 'q1.status()\n### BEGIN HIDDEN TESTS\nq1.grade("no", why="No.")\n'
                "### END HIDDEN TESTS", "q1_test", grade=True, points=2),
        _graded("markdown", "### Reflection r1 (3 points)\n\nWrite **three** lines.",
                "r1_task", points=3, task=True),
    ])
    for cell, cell_id in zip(notebook.cells[3:], ("q1", "q1-test", "r1-task")):
        cell.id = cell_id
    return notebook


@pytest.fixture
def course(tmp_path) -> Path:
    """A course folder with one module of one sample notebook and its template."""
    layout.scratch_course(ROOT, tmp_path, trees=())
    (tmp_path / "notebooks" / "core").mkdir(parents=True)
    nbformat.write(sample_notebook(), tmp_path / "notebooks" / "core" / "01_sample.ipynb")
    catalogs.write_templates(tmp_path, ["core"])
    return tmp_path


def _pot(course: Path) -> polib.POFile:
    return polib.pofile(str(catalogs.template_path(course, "core")))


def _write_catalog(course: Path, language: str, translate, fuzzy: str = "") -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language,
                   "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    for entry in _pot(course):
        po.append(polib.POEntry(msgid=entry.msgid, msgstr=translate(entry.msgid),
                                flags=list(entry.flags) + (["fuzzy"] if entry.msgid == fuzzy
                                                           else [])))
    path = catalogs.catalog_path(course, language, "core")
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def _need_msgfmt():
    if not shutil.which("msgfmt"):
        message = "GNU gettext's msgfmt is missing (apt-get install gettext)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the catalog checks must run in CI)")
        pytest.skip(message)


# --- extraction ----------------------------------------------------------------------

def test_markdown_is_split_per_block_with_code_and_links_protected(course):
    pot = _pot(course)
    ids = [entry.msgid for entry in pot]
    assert ids[:5] == [
        "Sending money home",
        ("Remittances cost **6.2%** on average, about US$ 12 for every $200 sent. See the "
         '[UN DESA page]{1} or run `data.citation("remittances")`. '
         "Press {2}Shift{3}+{4}Enter{5}."),
        "Exercise", "Points", "Give the number of migrants"]
    assert not any(LINK_URL in i or "code blocks" in i or "<kbd>" in i for i in ids)
    assert "2" not in ids  # a table cell without words is nothing to translate
    # A cell that opens with a rule is Markdown, not YAML front matter.
    assert ids[5:8] == ["Before you submit", "Run the next cell.", "Done."]
    assert pot.find("Sending money home").occurrences == [("01_sample.ipynb:intro", "")]
    assert pot.find("Points").occurrences == [("01_sample.ipynb:intro", "")]


def test_code_strings_marked_with_the_gettext_marker_are_extracted(course):
    pot = _pot(course)
    saved = pot.find("Your answers are saved.")
    assert saved.occurrences == [("01_sample.ipynb:marked", "")]
    assert "python-format" in pot.find("Share of migrants (%s)").flags
    assert pot.find("an unmarked string stays out") is None
    assert pot.find("Which?") is None  # exercise strings are marked in a later phase


def test_cells_without_ids_get_stable_ids_written_to_the_notebook(tmp_path):
    folder = tmp_path / "core"
    folder.mkdir()
    notebook = sample_notebook()
    notebook.nbformat_minor = 4
    for cell in notebook.cells:
        del cell["id"]
    (folder / "old.ipynb").write_text(nbformat.writes(notebook, version=4))
    first = str(catalogs.extract(folder))
    ids = [cell.id for cell in nbformat.read(folder / "old.ipynb", as_version=4).cells]
    assert all(ids) and len(set(ids)) == len(ids)
    assert str(catalogs.extract(folder)) == first  # the ids, and the template, are stable
    assert f"old.ipynb:{ids[0]}" in first


def test_marked_code_runs_in_english_and_the_kernel_never_loads_the_catalog_tools(capsys):
    exec(sample_notebook().cells[2].source, {})  # the marked cell, as a trainee runs it
    assert capsys.readouterr().out.startswith("Your answers are saved.\n")
    script = ("import sys, toolbox_widgets, toolbox_widgets.trainee.i18n;"
              " print([m for m in sys.modules"
              " if m.split('.')[0] in ('translate', 'polib', 'babel', 'mistletoe')"
              " or m == 'toolbox_widgets.course.catalogs'])")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True).stdout
    assert loaded.strip() == "[]"


# --- translated notebooks ------------------------------------------------------------

def _outside_catalog(markdown: str) -> str:
    """What a trainee reads in a pseudo-translated cell that did not come from a catalog."""
    rest = re.sub(r"⟦.*?⟧", "", markdown, flags=re.DOTALL)
    rest = re.sub(r"```.*?```", "", rest, flags=re.DOTALL)
    rest = catalogs.URL.sub("", catalogs.INLINE_CODE.sub("", rest))
    rest = re.sub(r"\]\([^)]*\)", "]", rest)  # a link's target address
    return re.sub(r"<[^>]+>", "", rest)


def _pseudo(notebook, pot):
    translated = nbformat.from_dict(notebook)
    missing = catalogs.translate_notebook(
        translated, catalogs.translations(catalogs.pseudo_catalog(pot)), catalogs.PSEUDO)
    return translated, missing


def test_pseudo_locale_round_trip_keeps_code_links_and_structure(course):
    english = sample_notebook()
    translated, missing = _pseudo(english, _pot(course))
    assert missing == []
    intro = translated.cells[0].source
    assert intro.startswith("# ⟦Séñdíñg móñéý hómé⟧")
    assert f"[ÚÑ DÉSÁ págé]({LINK_URL})" in intro
    assert '`data.citation("remittances")`' in intro and "<kbd>" in intro
    assert 'print("code blocks are never translated")' in intro
    assert "ÚS$ 12" in intro and "$200" in intro
    assert re.search("[A-Za-z]", _outside_catalog(intro)) is None
    assert catalogs._skeleton(intro) == catalogs._skeleton(english.cells[0].source)
    assert translated.metadata["mld"] == {"language": catalogs.PSEUDO}


def test_no_english_markdown_of_the_course_escapes_the_catalogs():
    """Every Markdown sentence of every Core notebook goes through locales/core.pot."""
    pot = polib.pofile(str(catalogs.template_path(ROOT, "core")))
    for path in sorted((ROOT / "notebooks" / "core").glob("*.ipynb")):
        english = nbformat.read(path, as_version=4)
        translated, missing = _pseudo(english, pot)
        assert missing == [], f"{path.name}: not in locales/core.pot; run `mld build`"
        for before, after in zip(english.cells, translated.cells):
            if after.cell_type == "markdown":
                escaped = re.findall(r"\S*[A-Za-z]+\S*", _outside_catalog(after.source))
                assert escaped == [], f"{path.name}, cell {after.id}: {escaped[:5]}"
                assert catalogs._skeleton(after.source) == catalogs._skeleton(before.source)


def _code_logic(source: str) -> str:
    """A code cell without the text a translation may change: tr() literals and the
    setup cell's language."""
    source = re.sub(r', language="\w+"\)', ")", source)
    found = list(code_text._literals(source))
    lines = source.splitlines(keepends=True)
    offsets = [0] + [sum(len(line) for line in lines[:i + 1]) for i in range(len(lines))]
    for (row, col), (end_row, end_col), _text in reversed(found):
        start, end = offsets[row - 1] + col, offsets[end_row - 1] + end_col
        source = source[:start] + '"…"' + source[end:]
    return source


def _graded_logic(notebook):
    """What grading depends on: order, ids, points, nbgrader's checksums of the graded
    test cells (code and hidden tests) byte for byte, and every other code cell but for
    its tr() strings and the setup cell's language."""
    cells = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        graded = cell.cell_type == "code" and is_grade(cell)
        cells.append((cell.cell_type, cell.id, meta.get("grade_id"), meta.get("points"),
                      is_solution(cell), compute_checksum(cell) if graded else None,
                      cell.source if graded else
                      _code_logic(cell.source) if cell.cell_type == "code" else None))
    return cells


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks" / "core").glob("*.ipynb")),
                         ids=lambda p: p.stem)
def test_graded_cells_are_byte_identical_in_a_translation(path):
    english = nbformat.read(path, as_version=4)
    translated, _missing = _pseudo(english, polib.pofile(
        str(catalogs.template_path(ROOT, "core"))))
    assert _graded_logic(translated) == _graded_logic(english)
    code = [(c.source, e.source) for c, e in zip(translated.cells, english.cells)
            if c.cell_type == "code" and not is_grade(c)]
    assert any(ours != theirs for ours, theirs in code)  # tr() strings are translated
    assert 'language="qps")' in "".join(ours for ours, _ in code)
    marked = [text for ours, _ in code for *_, text in code_text._literals(ours)]
    assert marked and all(text.strip("\n").startswith("⟦") for text in marked)  # all of them


def test_code_strings_are_translated_whole_and_graded_test_cells_never():
    table = {"Share of {name} in {year}": "Part de {name} en {year}",
             "A long sentence that the English author cut over two lines.":
                 "Une longue phrase que l'auteur anglais a coupée sur deux lignes."}
    source = ('title = tr("Share of {name} in {year}").format(name=n, year=y)\n'
              'why = tr("A long sentence that the English author "\n'
              '         "cut over two lines.")\n'
              'other = tr("Not in the catalog") + f"{tr}" + x.tr("Share of {name} in {year}")\n')
    translated, missing = code_text.translate_code(source, table)
    assert translated.startswith('title = tr("Part de {name} en {year}").format(name=n, year=y)')
    namespace = {"tr": lambda s: s, "n": "x", "y": 1, "x": type("X", (), {"tr": str})}
    exec(translated, namespace)
    assert namespace["why"] == table["A long sentence that the English author cut over two lines."]
    assert missing == ["Not in the catalog"]  # stays English; a draft shows it, a release stops
    assert 'x.tr("Share of {name} in {year}")' in translated  # only the marker itself
    book = nbformat.v4.new_notebook(cells=[
        new_code_cell('book = Workbook("core_01_x")\nprint(tr("Share of {name} in {year}"))'),
        _graded("code", 'q1.grade("no", why=tr("Share of {name} in {year}"))', "q1_test",
                grade=True, points=1)])
    english = nbformat.from_dict(book)
    assert code_text.translate_cells(book, table, "fr") == []
    assert book.cells[0].source == ('book = Workbook("core_01_x", language="fr")\n'
                                    'print(tr("Part de {name} en {year}"))')
    assert book.cells[1].source == english.cells[1].source


def test_a_translation_must_keep_every_named_field():
    assert catalogs.check_entry("In {year}: {share:.1f}%", "En {year} : {share:.1f} %") == []
    assert any("field" in p for p in catalogs.check_entry("In {year}", "En {année}"))
    assert catalogs.pseudo_translate("In {year}: {share:.1f}%").count("{share:.1f}") == 1


def test_sample_graded_cells_identical_and_only_text_differs(course):
    english = sample_notebook()
    translated, _missing = _pseudo(english, _pot(course))
    assert _graded_logic(translated) == _graded_logic(english)
    assert [c.metadata for c in translated.cells] == [c.metadata for c in english.cells]
    task = translated.cells[-1]
    assert task.source == "### ⟦Réfléçtíóñ r1 (3 póíñts)⟧\n\n⟦Wríté **thréé** líñés.⟧"


# --- checks --------------------------------------------------------------------------

ENTRY = ("The world figure was about 281 million in 2020: see [the page]{1} and "
         "`data.migrant_stock()`, or https://www.un.org/en/. Press {2}Shift{3}.")
GOOD = ("Le chiffre mondial était d'environ 281 millions en 2020 : voir [la page]{1} et "
        "`data.migrant_stock()`, ou https://www.un.org/en/. Appuyez sur {2}Maj{3}.")


def test_a_faithful_translation_passes_every_check():
    assert catalogs.check_entry(ENTRY, GOOD) == []
    assert catalogs.check_entry("It costs 2.5% of 1,000 dollars.",
                                "Cela coûte 2,5 % de 1 000 dollars.") == []


@pytest.mark.parametrize(("broken", "problem"), [
    (GOOD.replace("281", "218"), "218"),                              # changed number
    (GOOD.replace("2020", "2020 et 2021"), "2021"),                   # added number
    (GOOD.replace("[la page]{1}", "[la page] {1}"), "link"),          # broken link
    (GOOD.replace("https://www.un.org/en/", "https://www.un.org/fr/"), "link"),
    (GOOD.replace("{2}Maj{3}", "Maj"), "placeholders"),               # missing placeholder
    (GOOD.replace("`data.migrant_stock()`", "`données.stock()`"), "inline code"),
    ("# " + GOOD, "structure"),                                       # a heading appears
    (GOOD.replace(" : voir", "\nvoir"), "structure"),                 # a line break appears
    (GOOD.replace("Appuyez", "**Appuyez"), "bold"),
])
def test_each_check_fails_on_its_mistake(broken, problem):
    problems = catalogs.check_entry(ENTRY, broken)
    assert problems and any(problem in p for p in problems), problems


def test_a_released_language_fails_on_a_fuzzy_entry_and_a_draft_falls_back(course):
    _need_msgfmt()
    fuzzy = "Points"
    _write_catalog(course, "fr", catalogs.pseudo_translate, fuzzy=fuzzy)
    assert catalogs.check_catalog(course, "fr", "core", release=False) == []
    problems = catalogs.check_catalog(course, "fr", "core", release=True)
    assert problems == [f'locales/fr/LC_MESSAGES/core.po: fuzzy entry "{fuzzy}"']

    draft = course / "draft"
    shutil.copytree(course / "notebooks" / "core", draft)
    assert catalogs.translate_folder(draft, course, "fr", "core", release=False) == [fuzzy]
    intro = nbformat.read(draft / "01_sample.ipynb", as_version=4).cells[0].source
    assert "| ⟦Éxérçísé⟧ | Points" in re.sub(r" +", " ", intro)  # English stands in

    with pytest.raises(catalogs.CatalogError, match=r"fuzzy entry \"Points\"(.|\n)*released"):
        catalogs.translate_folder(draft, course, "fr", "core", release=True)


def test_a_released_language_fails_on_an_untranslated_or_broken_entry(course):
    _need_msgfmt()

    def translate(message):  # leaves one empty, breaks one number
        if message == "Exercise":
            return ""
        return catalogs.pseudo_translate(message).replace("6.2", "7.2")

    _write_catalog(course, "es", translate)
    problems = "\n".join(catalogs.check_catalog(course, "es", "core", release=True))
    assert 'untranslated entry "Exercise"' in problems
    assert "the number(s) 72 are not in the English text" in problems


def test_a_released_language_fails_on_an_entry_the_english_no_longer_has(course):
    """An English text changed or removed leaves its old entry behind until msgmerge runs:
    not marked obsolete, it would pass unnoticed."""
    _need_msgfmt()
    path = _write_catalog(course, "fr", catalogs.pseudo_translate)
    assert catalogs.check_catalog(course, "fr", "core", release=True) == []
    po = polib.pofile(str(path))
    po.append(polib.POEntry(msgid="A sentence the notebook no longer has.",
                            msgstr="Une phrase que le notebook n'a plus."))
    po.save(str(path))
    problems = catalogs.check_catalog(course, "fr", "core", release=True)
    assert len(problems) == 1 and "1 entries are no longer in the template" in problems[0]
    assert "A sentence the notebook no longer has." in problems[0]


def test_a_draft_for_translators_keeps_english_where_a_translation_is_missing(course, capsys):
    assert catalogs.main(["--root", str(course), "draft", "fr", "core"]) == 1
    assert "core.po does not exist. Start it from the template with msginit" in (
        capsys.readouterr().err)
    _write_catalog(course, "fr", lambda m: "" if m == "Points" else catalogs.pseudo_translate(m))
    assert catalogs.main(["--root", str(course), "draft", "fr", "core"]) == 0
    assert "1 blocks are still in English" in capsys.readouterr().out
    draft = nbformat.read(course / "build/drafts/core_fr/01_sample.ipynb", as_version=4)
    assert "⟦Éxérçísé⟧" in draft.cells[0].source and "Points" in draft.cells[0].source


def test_msgfmt_rejects_a_broken_format_string(course):
    _need_msgfmt()
    _write_catalog(course, "fr", lambda m: m.replace("(%s)", "(%d)") if "%s" in m else m)
    problems = catalogs.check_catalog(course, "fr", "core", release=False)
    assert any("msgfmt -c" in p for p in problems), problems


def test_committed_templates_and_catalogs_pass_the_checks():
    _need_msgfmt()
    assert catalogs.check(ROOT) == []


def test_a_released_list_naming_no_module_is_reported(course):
    _need_msgfmt()
    _write_catalog(course, "fr", catalogs.pseudo_translate)
    (course / "locales" / "fr" / "released").write_text("cor  # a typo\n")
    problems = catalogs.check(course)
    assert problems[0] == ("locales/fr/released names cor, which has no notebooks in "
                           "notebooks/cor/: correct the line")
    assert problems[1].startswith("locales/fr/LC_MESSAGES/cor.po is missing")
    assert len(problems) == 2


def test_a_corrupted_notebook_is_named_with_the_fix(course):
    (course / "notebooks" / "core" / "02_broken.ipynb").write_text('{"cells": [')
    with pytest.raises(catalogs.CatalogError,
                       match=r"notebooks/core/02_broken.ipynb is not a readable notebook"):
        catalogs.write_templates(course, ["core"])


def test_a_stale_template_is_reported(course):
    notebook = course / "notebooks" / "core" / "01_sample.ipynb"
    notebook.write_text(notebook.read_text().replace("Sending money home", "Money sent home"))
    assert catalogs.check(course) == ["locales/core.pot is out of date: run `mld build`"]


# --- mld build -----------------------------------------------------------------------

def _checksums(notebook_path: Path) -> list:
    """grade_id, points and checksum of every graded code cell: the one nbgrader stored
    at generate_assignment (release/), or nbgrader's own computation (source/)."""
    notebook = nbformat.read(notebook_path, as_version=4)
    return [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"].get("points"),
             c.metadata["nbgrader"].get("checksum") or compute_checksum(c))
            for c in notebook.cells if c.cell_type == "code" and "nbgrader" in c.metadata
            and (is_grade(c) or is_solution(c))]


@pytest.mark.slow
def test_mld_build_makes_a_released_language_its_own_assignment(course):
    _need_msgfmt()
    _write_catalog(course, catalogs.PSEUDO, catalogs.pseudo_translate)
    (course / "locales" / catalogs.PSEUDO / "released").write_text("# released modules\ncore\n")
    _write_catalog(course, "es", lambda m: "")  # a language not released is not built
    assert build.build(course) == ["core", "core_qps"]
    for tree in ("source", "release"):
        english = course / tree / "core" / "01_sample.ipynb"
        pseudo = course / tree / "core_qps" / "01_sample.ipynb"
        # the graded test cell is the same; the answer cell's setup gains language="qps"
        assert _checksums(pseudo)[1] == _checksums(english)[1]
        assert len(_checksums(english)) == 2
        assert 'Workbook(\\"core_01_sample\\", language=\\"qps\\")' in pseudo.read_text()
        assert "⟦Séñdíñg móñéý hómé⟧" in pseudo.read_text()
    selfstudy = (course / "selfstudy" / "core_qps" / "01_sample.ipynb").read_text()
    assert 'Workbook(\\"core_01_sample\\", language=\\"qps\\", self_study=True)' in selfstudy
    released = course / "release" / "core_qps" / "01_sample.ipynb"
    assert all(checksum for *_, checksum in _checksums(released))
    assert build.stale_files(course) == []

    _write_catalog(course, catalogs.PSEUDO, catalogs.pseudo_translate, fuzzy="Points")
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root",
                             str(course)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert 'core cannot be released in qps' in result.stderr
    assert 'locales/qps/LC_MESSAGES/core.po: fuzzy entry "Points"' in result.stderr
