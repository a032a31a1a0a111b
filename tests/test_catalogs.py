"""Translation catalogs: extraction, translated notebooks, graded logic identical, checks."""

from __future__ import annotations

import ast
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

from toolbox_widgets.course import (build, catalogs, code_comments, code_text, glossary_catalog,
                                    layout)

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
                      '# Tell the trainee that the answers are kept,\n'
                      '# in one line below the cell.\n'
                      'print(tr("Your answers are saved."))  # in their language\n'
                      'print("an unmarked string stays out # not a comment")\n'
                      'import os  # noqa: F401\n'
                      '# print(os.getcwd())\n'
                      'title = tr("Share of migrants (%s)") % "2024"', id="marked"),
        _graded("code", 'book = Workbook("core_01_sample")\n'
                'q1 = book.single_choice("q1", "Which?", {"yes": "Yes", "no": "No"}, points=2)\n'
                '# Shown to the trainee around the solution.\n'
                '### BEGIN SOLUTION\n# Kept in English: nbgrader strips the solution.\n'
                'q1.answer("no")\n### END SOLUTION\nq1',
                "q1", solution=True),
        _graded("code", 'q1.status()  # checksummed by nbgrader\n'
                '### BEGIN HIDDEN TESTS\nq1.grade("no", why="No.")\n'
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
    marked = translated.cells[2].source  # comments too; a # inside a string is no comment
    assert marked.startswith("from toolbox_widgets import tr\n# ⟦Téll thé tráíñéé thát thé "
                             "áñswérs áré képt, íñ óñé líñé bélów thé çéll.⟧\n")
    assert 'print(tr("⟦Ýóúr áñswérs áré sávéd.⟧"))  # ⟦íñ théír láñgúágé⟧' in marked
    assert 'print("an unmarked string stays out # not a comment")' in marked
    assert "import os  # noqa: F401\n# print(os.getcwd())\n" in marked
    # An answer cell: what the trainee sees around the solution is translated, the
    # solution (which nbgrader replaces with the stub) stays as the instructor wrote it.
    assert "# ⟦Shówñ tó thé tráíñéé áróúñd thé sólútíóñ.⟧\n" in translated.cells[3].source
    assert "# Kept in English: nbgrader strips the solution.\n" in translated.cells[3].source
    assert translated.cells[4].source == english.cells[4].source  # graded test cell
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


def _code_tree(source: str) -> str:
    """What a code cell does: its syntax tree (comments are not in it), tr() strings aside."""
    return ast.dump(ast.parse(_code_logic(source)))


def _solution_logic(source: str) -> tuple:
    """An answer cell: its solutions byte for byte, and what the whole cell does."""
    solutions = re.findall(r"### BEGIN SOLUTION\n.*?### END SOLUTION", source, flags=re.S)
    return solutions, _code_tree(source)


def _graded_logic(notebook):
    """What grading depends on: order, ids, points, nbgrader's checksums of the graded
    test cells (code and hidden tests) byte for byte, the solutions of answer cells byte for
    byte, and every code cell's syntax tree (comments outside a solution are translated)
    but for its tr() strings and the setup cell's language."""
    cells = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        graded = cell.cell_type == "code" and is_grade(cell)
        cells.append((cell.cell_type, cell.id, meta.get("grade_id"), meta.get("points"),
                      is_solution(cell), compute_checksum(cell) if graded else None,
                      cell.source if graded else
                      _solution_logic(cell.source) if is_solution(cell) else
                      _code_tree(cell.source) if cell.cell_type == "code" else None))
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
    # Comments of the cells nbgrader does not grade, outside solutions: all translated, and the
    # code still the same program (_graded_logic compares syntax trees).
    comments = [c.text for cell in translated.cells if code_comments.in_cell(cell)
                for c in code_comments.comments(cell.source)]
    english = [c.text for cell in english.cells if code_comments.in_cell(cell)
               for c in code_comments.comments(cell.source)]
    assert len(comments) == len(english) > 0
    assert all(text.startswith("⟦") and text.endswith("⟧") for text in comments), comments
    written = [line for ours, theirs in code for line in ours.splitlines()
               if line.lstrip().startswith("#") and line not in theirs.splitlines()]
    assert all(len(line) <= code_comments.WIDTH for line in written), written


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


# --- comments in code cells -----------------------------------------------------------

def test_comments_are_extracted_whole_and_never_from_strings_pragmas_code_or_graded_cells(course):
    pot = _pot(course)
    notes = {e.msgid: e.comment for e in pot if "code comment" in e.comment}
    assert notes == {  # one paragraph per run of lines; an inline comment alone
        "Tell the trainee that the answers are kept, in one line below the cell.":
            "code comment",
        "in their language": "code comment",
        "Shown to the trainee around the solution.": "code comment"}
    ids = [e.msgid for e in pot]
    # in the cell's order, before the tr() string that follows them
    assert ids.index("Tell the trainee that the answers are kept, in one line below the cell.") \
        < ids.index("Your answers are saved.") < ids.index("in their language")
    assert pot.find("Tell the trainee that the answers are kept, in one line below the "
                    "cell.").occurrences == [("01_sample.ipynb:marked", "")]
    # a # inside a string, a pragma, commented-out code, a solution and a test cell: out
    assert not any(word in i for i in ids for word in (
        "not a comment", "noqa", "getcwd", "Kept in English", "checksummed", "SOLUTION"))
    assert "python-brace-format" not in pot.find("in their language").flags


def test_comment_runs_split_at_a_new_column_a_blank_line_a_list_line_or_a_pragma():
    source = ("# One sentence cut\n"
              "# over two lines.\n"
              "if True:\n"
              "    # Inside the block.\n"
              "    x = 1\n"
              "# Back at the margin\n"
              "#\n"
              "# after an empty comment line.\n"
              "x = 2\n"
              "# Sources:\n"
              "#   first publisher, 2023\n"
              "#   second publisher, 2024\n"
              "# type: ignore\n"
              "x = 3  # the exercise type: single choice\n"
              "# M&E is prose, df.head() is code:\n"
              "# df.head()\n"
              's = "# not a comment"  # but this is\n')
    assert code_comments.messages(source) == [
        "One sentence cut over two lines.", "Inside the block.", "Back at the margin",
        "after an empty comment line.", "Sources:", "first publisher, 2023",
        "second publisher, 2024", "the exercise type: single choice",
        "M&E is prose, df.head() is code:", "but this is"]
    assert code_comments.messages("x = (1  # unclosed") == []  # does not tokenize: left alone


LONG = ("Une phrase traduite bien plus longue que l'anglais, qui ne tient plus sur une seule "
        "ligne de cent caractères et doit donc être coupée entre deux mots.")


def test_translated_comments_keep_their_indentation_and_are_rewrapped():
    source = ("def f(rows):\n"
              "    # Keep the rows\n"
              "    # of the world.\n"
              "    return [r for r in rows if r]\n"
              "#   a list line\n")
    table = {"Keep the rows of the world.": LONG, "a list line": "une ligne de liste"}
    translated, missing = code_comments.translate_comments(source, table)
    assert missing == []
    lines = translated.splitlines()
    assert lines[0] == "def f(rows):" and lines[-2:] == [
        "    return [r for r in rows if r]", "#   une ligne de liste"]
    comment = lines[1:-2]
    assert len(comment) == 2 and all(line.startswith("    # ") for line in comment)
    assert all(len(line) <= 100 for line in comment)
    assert " ".join(line[6:] for line in comment) == LONG  # cut between words only
    assert len(comment[0] + " " + comment[1].split()[2]) > 100  # the first line is full


def test_an_inline_comment_stays_inline_if_it_fits_else_goes_above_its_statement():
    source = ("total = 0  # start\n"
              "for row in range(3):\n"
              "    total += (row  # the row\n"
              "              * 2)  # doubled\n")
    table = {"start": "départ", "the row": LONG, "doubled": "doublé"}
    translated, missing = code_comments.translate_comments(source, table)
    assert missing == []
    lines = translated.splitlines()
    assert lines[0] == "total = 0  # départ"
    assert lines[1] == "for row in range(3):"
    above = lines[2:4]  # before the statement that the comment ended, at its indentation
    assert all(line.startswith("    # ") and len(line) <= 100 for line in above)
    assert " ".join(line[6:] for line in above) == LONG
    assert lines[4:] == ["    total += (row", "              * 2)  # doublé"]
    namespace = {}
    exec(translated, namespace)
    assert namespace["total"] == 6
    assert ast.dump(ast.parse(translated)) == ast.dump(ast.parse(source))


def test_a_rewrapped_comment_never_breaks_at_a_no_break_space():
    french = "Réfugiés pour 1\u00a0000 habitants ; au-dessus de 5\u00a0% " * 6
    translated, _missing = code_comments.translate_comments(
        "\t# Refugees per 1,000 people.\n\tx = 1\n", {"Refugees per 1,000 people.": french})
    lines = translated.splitlines()[:-1]
    assert len(lines) > 1 and all(line.startswith("\t# ") for line in lines)  # tab kept
    assert " ".join(line[3:] for line in lines) == french.strip()
    assert not any(line.endswith(("1", "5")) for line in lines)


def test_a_missing_comment_translation_leaves_the_english_as_it_is():
    source = "# First line\n# second line.\nx = 1  # why\n"
    translated, missing = code_comments.translate_comments(source, {"why": "pourquoi"})
    assert missing == ["First line second line."]
    assert translated == "# First line\n# second line.\nx = 1  # pourquoi\n"


def test_a_released_language_reports_a_missing_comment_translation(course):
    _need_msgfmt()
    comment = "Tell the trainee that the answers are kept, in one line below the cell."
    _write_catalog(course, "fr",
                   lambda m: "" if m == comment else catalogs.pseudo_translate(m))
    problems = catalogs.check_catalog(course, "fr", "core", release=True)
    assert problems == [f'locales/fr/LC_MESSAGES/core.po: untranslated entry "{comment[:60]}"']
    draft = course / "draft"
    shutil.copytree(course / "notebooks" / "core", draft)
    assert catalogs.translate_folder(draft, course, "fr", "core", release=False) == [comment]
    marked = nbformat.read(draft / "01_sample.ipynb", as_version=4).cells[2].source
    assert "# Tell the trainee that the answers are kept,\n# in one line below the cell.\n" \
        in marked  # English stands in, as written
    assert "# ⟦íñ théír láñgúágé⟧" in marked
    with pytest.raises(catalogs.CatalogError, match="untranslated entry \"Tell the trainee"):
        catalogs.translate_folder(draft, course, "fr", "core", release=True)


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
    assert catalogs.stale_entries(course, "fr", "core") == []
    po = polib.pofile(str(path))
    po.append(polib.POEntry(msgid="A sentence the notebook no longer has.",
                            msgstr="Une phrase que le notebook n'a plus."))
    po.save(str(path))
    # the release build still works (a course built from some notebooks has such entries)
    assert catalogs.check_catalog(course, "fr", "core", release=True) == []
    problems = catalogs.stale_entries(course, "fr", "core")
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


def test_a_released_language_needs_the_package_words_and_the_glossary_complete(tmp_path):
    """French is released for core, so its trainees read the package's words and the
    glossary in every notebook: an untranslated entry there fails as one in core.po does."""
    _need_msgfmt()
    for folder in ("notebooks", "locales"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    assert catalogs.check(tmp_path) == []
    for name in (catalogs.PACKAGE, glossary_catalog.MODULE):
        path = catalogs.catalog_path(tmp_path, "fr", name)
        original = path.read_text(encoding="utf-8")
        po = polib.pofile(str(path))
        entry = po.translated_entries()[0]
        entry.msgstr = ""
        po.save(str(path))
        problems = catalogs.check(tmp_path)
        assert any(f"{name}.po: untranslated entry" in p for p in problems), problems
        path.write_text(original, encoding="utf-8")


def test_a_translation_left_in_english_is_refused_unless_a_comment_says_why(course):
    """A translator who pastes the English (or forgets a sentence) leaves an entry that is
    'translated' to gettext; the check reads it as English. An official title may stay
    English when the translator's comment says so."""
    _need_msgfmt()
    english = next(e.msgid for e in _pot(course) if catalogs.reads_as_english(e.msgid))
    path = _write_catalog(course, "fr", lambda m: m if m == english
                          else catalogs.pseudo_translate(m))
    problems = catalogs.check_catalog(course, "fr", "core", release=True)
    assert len(problems) == 1 and "reads as English" in problems[0]
    assert english[:40] in problems[0] and "# English kept: <why>" in problems[0]
    po = polib.pofile(str(path))
    po.find(english).tcomment = "English kept: the title as published"
    po.save(str(path))
    assert catalogs.check_catalog(course, "fr", "core", release=True) == []


@pytest.mark.parametrize("text, english", [
    ("The number of migrants rose in every period, and it is still rising.", True),
    ("Le nombre de migrants a augmenté à chaque période, et il augmente encore.", False),
    ("El número de migrantes aumentó en cada periodo y sigue aumentando.", False),
    # an English title in quotes, a link or code is not a sentence left in English
    (("Banque mondiale (2024). Blog *People Move*, « In 2024, the flows to the countries "
      "of the South are expected to reach $685 billion »."), False),
    ("Voir [the data of the world](https://example.org/the-data) et `the_table.csv`.", False),
])
def test_reads_as_english(text, english):
    assert catalogs.reads_as_english(text) is english


# --- French typography -----------------------------------------------------------------

# docs/style/fr.md: a no-break space (U+00A0; U+202F is accepted) before : ; ? ! and %, and
# inside « ». A plain space there lets a line break leave the mark alone at the start of a
# line. Code, web addresses and {fields} are left out: they are copied from the English.
_VERBATIM = re.compile(r"`[^`\n]*`|https?://\S+|\{[^{}\s]*\}")
_PLAIN_SPACE = re.compile(r" [:;?!%]|« | »|«(?=[^\s\u00a0\u202f])|(?<=[^\s\u00a0\u202f])»")


def french_spacing_mistakes(text: str) -> list[str]:
    """The places in a French text with a plain space, or none inside « », where a no-break
    space belongs."""
    text = _VERBATIM.sub("`…`", text)
    return [text[max(0, m.start() - 20):m.end() + 20] for m in _PLAIN_SPACE.finditer(text)]


@pytest.mark.parametrize("text, mistakes", [
    ("Votre choix\u00a0: {answer}. Appuyez sur «\u00a0Verrouiller\u00a0»\u00a0; 5\u00a0%\u00a0?",
     0),
    ("Une fine\u202f; aussi\u202f? et\u202f!", 0),
    ("Votre choix : {answer}.", 1),
    ("Cliquez sur « Vérifier ma réponse ».", 2),
    ("deux ; trois ? quatre ! cinq %", 4),
    ("Cliquez sur «Vérifier ma réponse».", 2),
    # code, a web address, a field's format and an English title are copied as they are
    ("Tapez `a : b` ou {share:.1%}, voir https://example.org/?p=1 et *Global Trends: 2023*", 0),
])
def test_french_spacing_finds_a_plain_space_before_a_mark(text, mistakes):
    assert len(french_spacing_mistakes(text)) == mistakes


@pytest.mark.parametrize("path", sorted((ROOT / "locales" / "fr" / "LC_MESSAGES").glob("*.po")),
                         ids=lambda p: p.name)
def test_french_catalogs_put_a_no_break_space_before_colons_and_inside_quotes(path):
    po = polib.pofile(str(path))
    found = [f"line {e.linenum}: {mistake!r}" for e in po if not e.obsolete
             for text in (e.msgstr_plural.values() if e.msgid_plural else [e.msgstr])
             for mistake in french_spacing_mistakes(text)]
    assert not found, (f"locales/fr/LC_MESSAGES/{path.name}: put a no-break space (U+00A0) "
                       "before : ; ? ! % and inside « »:\n" + "\n".join(found))


def test_spanish_catalogs_write_usd_after_the_figure():
    """docs/style/es.md: «200 USD», «669 mil millones de USD», never «USD 200»."""
    usd_first = re.compile(r"\bUSD[\s\u00a0]*(\d|\{)")
    found = [f"{path.name} line {e.linenum}: {text[max(0, m.start() - 30):m.end() + 10]!r}"
             for path in sorted((ROOT / "locales" / "es" / "LC_MESSAGES").glob("*.po"))
             for e in polib.pofile(str(path)) if not e.obsolete
             for text in (e.msgstr_plural.values() if e.msgid_plural else [e.msgstr])
             for m in usd_first.finditer(text)]
    assert found == [], "write «200 USD», not «USD 200»:\n" + "\n".join(found)
    assert usd_first.search("enviar el equivalente de USD 200")
    assert not usd_first.search("enviar el equivalente de 200 USD o US$ 200")
