"""The trainee's kernel speaks the trainee's language (issue 12, contract C2).

The package's own words come from its compiled catalog (toolbox_widgets.mo) in the
language of Workbook(..., language=...); numbers are read and shown as that language
writes them; country names come from Babel's CLDR names. The tests make their own
catalogs from locales/toolbox_widgets.pot: the pseudo-locale qps (every string wrapped in
⟦ ⟧ and accented) and a small French one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from toolbox_widgets import Workbook, data, set_language
from toolbox_widgets.course import catalogs
from toolbox_widgets.trainee import i18n, numbers, scoring
from toolbox_widgets.trainee.charts import words_html
from toolbox_widgets.trainee.glossary import _render, lookup, search_box
from toolbox_widgets.trainee.tables import table_html

ROOT = Path(__file__).resolve().parents[1]
FRENCH = {
    "Check my answer": "Vérifier ma réponse",
    "Correct.": "Juste.",
    "Saved": "Enregistré",
    "{value} is within {tolerance} of {answer}.": "{value} est à {tolerance} près de {answer}.",
}


def compile_catalog(folder: Path, language: str, translate) -> None:
    """locales/<language>/LC_MESSAGES/toolbox_widgets.mo under folder, from the package's
    template, compiled as `mld build` compiles it."""
    template = catalogs.extract_package()
    if language == catalogs.PSEUDO:
        po = catalogs.pseudo_catalog(template)
    else:
        po = polib.POFile()
        po.metadata = {**template.metadata, "Language": language,
                       "Plural-Forms": "nplurals=2; plural=(n > 1);"}
        for entry in template:
            if entry.msgid in translate:
                po.append(polib.POEntry(msgid=entry.msgid, msgstr=translate[entry.msgid]))
    source = folder / "po" / language / f"{catalogs.PACKAGE}.po"
    source.parent.mkdir(parents=True)
    po.save(str(source))
    catalogs.compile_package(source, folder / language / "LC_MESSAGES" / f"{catalogs.PACKAGE}.mo")


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """The kernel reads catalogs from a folder of the test's own; English again after."""
    folder = tmp_path / "locales"
    compile_catalog(folder, "qps", None)
    compile_catalog(folder, "fr", FRENCH)
    monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    yield folder
    i18n.use_language(None)


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.use_language(None)


# --- the language of the kernel ------------------------------------------------------------

def test_a_workbook_in_french_speaks_french(locales, tmp_path):
    book = Workbook("fr", folder=tmp_path, language="fr")
    assert i18n.language() == "fr"
    q = book.numeric("q", "Combien ?", key=2.5, tolerance=0.1)
    buttons = [c.description for box in q.children if hasattr(box, "children")
               for c in box.children if hasattr(c, "description")]
    assert "Vérifier ma réponse" in buttons
    q.control.value = "2,5"
    assert q.check() == 1.0
    assert "Juste." in q.feedback.value and "2,5 est à 0,1 près de 2,5." in q.feedback.value
    # Strings the catalog does not have stay English: a gap never breaks the page.
    assert i18n._("Show the answer") == "Show the answer"


@pytest.mark.parametrize("language", ["xx", "de", "  "])
def test_an_unknown_language_gives_english_and_one_plain_line(locales, tmp_path, capsys,
                                                              language):
    book = Workbook("xx", folder=tmp_path, language=language)
    out = capsys.readouterr().out
    if language.strip():
        lines = [line for line in out.splitlines() if line.startswith("! ")]
        assert len(lines) == 1 and "shown in English" in lines[0] and "Traceback" not in out
    assert i18n.language() == "en"
    practice = book.single_choice("q", "Which?", {"one": "a", "two": "b"}, key="one")
    assert "Check my answer" in visible_text(practice)


def test_a_damaged_catalog_gives_english_and_says_how_to_repair(locales, capsys):
    (locales / "fr" / "LC_MESSAGES" / "toolbox_widgets.mo").write_bytes(b"not a catalog")
    set_language("fr")
    out = capsys.readouterr().out
    assert "could not be read" in out and "Reinstall" in out and out.count("\n") == 1
    assert i18n.language() == "en"


def test_a_kernel_can_be_pointed_at_catalogs_of_a_tests_own(locales, tmp_path, monkeypatch):
    """Tests of built notebooks run kernels in other processes: TOOLBOX_LOCALE_DIR."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "nowhere")
    monkeypatch.setenv(i18n.ENV_VAR, str(locales))
    set_language("qps")
    assert i18n.language() == "qps" and i18n._("Saved") == "⟦Sávéd⟧"


def test_the_kernel_imports_no_catalog_tool():
    """Babel and polib are the build's; a trainee's kernel never imports them at start."""
    code = ("import sys, toolbox_widgets; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('babel', 'polib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# --- no English escapes: the pseudo-locale --------------------------------------------------

def pseudo(text: str) -> str:
    return catalogs.pseudo_translate(text)


def visible_text(widget) -> list[str]:
    """Every string a trainee can read on a widget and its children."""
    found = []
    for name in ("value", "description", "placeholder", "tooltip", "label"):
        if name == "value" and (hasattr(widget, "options") or hasattr(widget, "definition")):
            continue  # an exercise's or a menu's value is an id, never shown: its words are
        value = getattr(widget, name, None)
        if isinstance(value, str):
            found.append(value)
    exercise = hasattr(widget, "definition")  # its options are {id: words}: its controls show them
    for option in () if exercise else getattr(widget, "options", ()) or ():
        found.append(option[0] if isinstance(option, tuple) else option)
    for child in getattr(widget, "children", ()):
        found += visible_text(child)
    return found


WORD = re.compile(r"[^\W\d_]{2,}")


def english_left(text: str) -> list[str]:
    """Words outside ⟦ ⟧, once the code a trainee may type (in <code> or after
    "answer(") and HTML are set aside."""
    text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    while re.search(r"⟦[^⟦⟧]*⟧", text):  # a package sentence may hold a notebook's words
        text = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
    text = re.sub(r"\b\w+\.answer\(.*?\)(\s*#.*)?", " ", text)  # the example, as typed
    words = [w for w in WORD.findall(text) if w.isascii()]
    return [w for w in words if not re.fullmatch(r"[a-z]\d*|[A-Z]", w)
            and w not in ("quot", "amp", "class", "span", "None")]


def run_every_widget(book, capsys) -> list[str]:
    """A notebook's worth of widgets, answered, checked, graded and saved, as a trainee
    and the hidden tests would; the notebook's own words are already translated (⟦ ⟧)."""
    options = {o.lower(): pseudo(o) for o in ("Kenya", "Mexico", "Nepal")}
    shown = []
    exercises = [
        book.single_choice("q1", pseudo("Which?"), options),
        book.multiple_choice("q2", pseudo("Which?"), options),
        book.numeric("q3", pseudo("How many?"), unit=pseudo("million"), tolerance=1),
        book.matching("q4", pseudo("Match"), {"un_desa": pseudo("UN DESA"),
                                              "unhcr": pseudo("UNHCR")},
                      {"stocks": pseudo("stocks"), "refugees": pseudo("refugees")}),
        book.ordering("q5", pseudo("Order"), {"item_a": pseudo("a"), "item_b": pseudo("b"),
                                              "item_c": pseudo("c")}),
        book.single_choice("p1", pseudo("Which?"), options, key="mexico",
                           why=pseudo("Because.")),
        book.numeric("p2", pseudo("How many?"), key=10, why=pseudo("Because.")),
        book.reflection("r1", pseudo("Write.")),
        book.self_assessment("s1", pseudo("Rate."), [pseudo("I can"), pseudo("I know")]),
    ]
    for exercise in exercises:  # unanswered
        shown += visible_text(exercise)
    answers = {"q1": "mexico", "q2": ["kenya", "nepal"], "q3": "304,5",
               "q4": {"un_desa": "stocks"}, "q5": ["item_c", "item_a"], "p1": "kenya", "p2": 12,
               "r1": pseudo("In my town."),
               "s1": [3, 4]}
    for exercise in exercises:
        exercise.answer(answers[exercise.id])
        shown += visible_text(exercise)
        shown.append(exercise.text_form())
    exercises[5].check()  # a second wrong try: the answer and its explanation
    exercises[5].show_answer()
    exercises[6].answer(1)
    keys = {"q1": "mexico", "q2": ["kenya"], "q3": 304,
            "q4": {"un_desa": "stocks", "unhcr": "refugees"}, "q5": ["item_a", "item_b", "item_c"]}
    for exercise in exercises[:5]:
        exercise.grade(keys[exercise.id], why=pseudo("Because."))
        exercise.answer("Z" if exercise.code != "number" else "1,000")  # refused: says why
        shown += visible_text(exercise)
    shown.append(capsys.readouterr().out)
    exercises[8].show_profile()  # prints the figure's JSON here, with no browser
    capsys.readouterr()
    figure, alt = exercises[8].profile_figure()
    shown += [figure.layout.title.text, figure.layout.xaxis.title.text, alt]
    book.progress()
    shown.append(words_html(pseudo("A chart.")))
    import pandas as pd
    shown.append(table_html(pd.DataFrame({"n": [1234.5]}), {"n": pseudo("Number")}))
    shown.append(_render(lookup("zzzz", "en"), "zzzz"))
    shown += visible_text(search_box("en"))
    shown.append(capsys.readouterr().out)
    return shown


def test_in_the_pseudo_locale_no_package_string_escapes_in_english(locales, tmp_path,
                                                                   capsys):
    book = Workbook("qps", folder=tmp_path, language="qps")
    shown = run_every_widget(book, capsys)
    escaped = {word for text in shown for word in english_left(text)}
    assert not escaped, f"English outside the catalog: {sorted(escaped)}"
    # ... and the same run in English does show English: the check can fail.
    (tmp_path / "en").mkdir()
    english = run_every_widget(Workbook("en", folder=tmp_path / "en"), capsys)
    assert {"Exercise", "answered"} <= {w for text in english for w in english_left(text)}


def scores(book) -> tuple[float, float]:
    """Perfect and blank scores of one exercise of each kind."""
    xyz = {"ex": "x", "why": "y", "zed": "z"}
    made = [book.single_choice("a", "?", xyz),
            book.multiple_choice("b", "?", xyz),
            book.numeric("c", "?"),
            book.matching("d", "?", {"l1": "l1", "l2": "l2"}, {"r1": "r1", "r2": "r2"}),
            book.ordering("e", "?", {"i1": "i1", "i2": "i2", "i3": "i3"})]
    keys = ["zed", ["ex", "zed"], 2.5, {"l1": "r2", "l2": "r1"}, ["i3", "i1", "i2"]]
    blank = sum(e.grade(k) for e, k in zip(made, keys))
    perfect = ["z", ["x", "z"], "2,5", {"l1": "r2", "l2": "r1"}, ["i3", "i1", "i2"]]
    for exercise, value in zip(made, perfect):
        exercise.answer(value)
    return sum(e.grade(k) for e, k in zip(made, keys)), blank


def test_perfect_and_blank_scores_are_the_same_in_english_and_qps(locales, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "qps").mkdir()
    english = scores(Workbook("s", folder=tmp_path / "en"))
    pseudo_scores = scores(Workbook("s", folder=tmp_path / "qps", language="qps"))
    assert english == pseudo_scores == (1 + 2 + 1 + 2 + 2, 0)


def test_a_choice_made_in_french_is_the_english_keys_id(locales, tmp_path):
    """The French notebook's options are translations; the saved id and the recorded key
    are the English ones, so the English grader scores the French answer."""
    (tmp_path / "en").mkdir()
    (tmp_path / "fr").mkdir()
    english = Workbook("k", folder=tmp_path / "en").single_choice(
        "q", "Which?", {"kenya": "Kenya", "mexico": "Mexico", "nepal": "Nepal"})
    french = Workbook("k", folder=tmp_path / "fr", language="fr").single_choice(
        "q", "Lequel ?", {"kenya": "Kenya", "mexico": "Mexique", "nepal": "Népal"})
    assert french._normalize("Mexique") == english._normalize("Mexico") == "mexico"
    french.control.selected = [french.order.index(1)]  # the trainee clicks "Mexique"
    saved = json.loads((tmp_path / "fr" / "k.answers.json").read_text())["answers"]["q"]
    assert saved["value"] == "mexico"
    value = scoring.normalize(english.definition(), saved["value"])
    assert scoring.grade(english.definition(), value, english._normalize("Mexico"))[0] == 1
    matching_fr = Workbook("m", folder=tmp_path / "fr", language="fr").matching(
        "t", "Associez", {"remittances": "Envois de fonds", "refugees": "Réfugiés"},
        {"knomad": "KNOMAD", "unhcr": "HCR"})
    matching_en = Workbook("m", folder=tmp_path / "en").matching(
        "t", "Match", {"remittances": "Remittances", "refugees": "Refugees"},
        {"knomad": "KNOMAD", "unhcr": "UNHCR"})
    assert matching_fr._normalize({"Réfugiés": "HCR"}) == \
        matching_en._normalize({"Refugees": "UNHCR"}) == {"refugees": "unhcr"}


# --- numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize(("typed", "meant"), [
    ("2,5", 2.5), ("2.5", 2.5), ("1 000,5", 1000.5), ("1\u202f000,5", 1000.5),
    ("1.000,5", 1000.5), ("12 000", 12000.0), ("-0,25", -0.25), ("15 %", 15.0),
    ("1.000.000", 1e6), ("304", 304.0)])
def test_french_and_spanish_numbers_are_read_as_typed(language, typed, meant):
    assert numbers.read(typed, language) == meant


@pytest.mark.parametrize(("typed", "meant"), [
    ("2.5", 2.5), ("1,000", 1000.0), ("1,000.5", 1000.5), ("1,234,567", 1234567.0),
    ("2,5", 2.5), ("12 000", 12000.0), ("1.234,5", 1234.5)])
def test_english_numbers_are_read_as_before(typed, meant):
    assert numbers.read(typed, "en") == meant


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("typed", ["1,000", "1.000", "25,500"])
def test_a_french_or_spanish_number_that_reads_two_ways_is_refused_with_both(language, typed):
    """In French 1,000 is one; by English or Spanish habit it is a thousand. Guessing
    would score a number the trainee did not mean: they are asked to type it plainly."""
    with pytest.raises(numbers.NumberError) as refused:
        numbers.read(typed, language)
    whole, tail = re.split(r"[.,]", typed)
    assert str(int(whole + tail)) in str(refused.value)


@pytest.mark.parametrize("typed", ["abc", "2,,5", "1.2.3,4,5", "", ",", "2,5,"])
def test_text_that_is_no_number_gets_a_plain_sentence(typed):
    with pytest.raises(numbers.NumberError, match="is not a number"):
        numbers.read(typed, "fr")


def test_numbers_are_shown_in_the_trainees_format():
    assert numbers.show(2.5, code="en") == "2.5" and numbers.show(1000, code="en") == "1,000"
    assert numbers.show(2.5, code="fr") == "2,5"
    assert numbers.show(1000.5, code="fr") == "1\u202f000,5"
    # Spanish (docs/style/es.md): a no-break space from five digits, none in four
    assert numbers.show(1000.5, code="es") == "1000,5"
    assert numbers.show(61082.5, code="es") == "61\u00a0082,5"
    assert numbers.show(3, decimals=1, code="fr") == "3,0"


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("value", [2.5, 2500, 61082.5, 1234567, -12000, 0.125])
def test_a_table_and_a_sentence_write_a_number_alike(language, value):
    """show_table's numbers (numbers.show) and a message's {value:,} were two formatters:
    a Spanish table wrote 61.082 above a sentence that wrote 61 082."""
    from toolbox_widgets.trainee.i18n import Message, use_language

    use_language(language)
    try:
        assert numbers.show(value) == Message("{v:,.12g}").format(v=value)
        assert numbers.show(value, decimals=1) == Message("{v:,.1f}").format(v=value)
    finally:
        use_language("en")


def test_a_numeric_exercise_in_french_accepts_a_comma_and_shows_one(locales, tmp_path):
    book = Workbook("n", folder=tmp_path, language="fr")
    q = book.numeric("q", "Combien ?", unit="%", tolerance=0.05)
    q.control.value = "2,5"
    assert q.value == 2.5
    assert "2,5 %" in q.feedback.value
    assert q.grade(2.5) == 1
    q.control.value = "1,000"  # refused, in a sentence, not scored
    assert q.value is None and "1000" in q.feedback.value
    reopened = Workbook("n", folder=tmp_path, language="fr").numeric("q", "Combien ?")
    assert reopened.control.value == ""  # the refused text was never saved
    i18n.use_language(None)
    english = Workbook("e", folder=tmp_path).numeric("q", "How many?")
    english.control.value = "1,000"
    assert english.value == 1000.0


# --- country names -------------------------------------------------------------------------

def test_country_names_come_in_the_trainees_language():
    assert data.country_name("SEN", "fr") == "Sénégal"
    assert data.country_name("MEX", "es") == "México"
    assert data.country_name("XKX", "fr") == "Kosovo"
    assert data.country_name("WLD", "fr") == "Monde" and data.country_name("WLD", "es") == "Mundo"
    assert data.country_name("CIV", "en") == "Côte d’Ivoire"
    assert data.country_name("ZZZ", "fr") == "ZZZ"  # unknown: the code as it is
    assert data.country_name("LMY", "en") == "Low- and middle-income countries"
    column = data.country_name(data.migrant_stock()["iso3"].head(3), "fr")
    assert column.notna().all()


def test_every_code_in_the_course_tables_has_a_name():
    tables = [data.load(name) for name in data.list_tables()["name"]]
    codes = {code for table in tables for column in table.columns if column.endswith("iso3")
             for code in table[column].dropna().unique()}
    for language in ("en", "fr", "es"):
        unnamed = sorted(code for code in codes if data.country_name(code, language) == code)
        assert not unnamed, (language, unnamed)


def test_region_names_of_the_tables_come_in_the_trainees_language():
    assert data.region_name("Western Africa", "fr") == "Afrique occidentale"
    assert data.region_name("Sub-Saharan Africa", "es") == "África subsahariana"
    assert data.country_name("002", "fr") == "Afrique"  # a UN M49 code
    regions = {*data.migrant_stock()["un_region"].dropna(),
               *data.migrant_stock()["un_subregion"].dropna(),
               *data.country_regions()["wb_region"].dropna()}
    for region in regions:
        assert region in data.M49 or region in data.OWN_REGIONS, region
    assert data.region_name("Atlantis", "fr") == "Atlantis"


def test_country_names_follow_the_kernels_language(locales):
    set_language("fr")
    assert data.country_name("DEU") == "Allemagne"


def test_the_tables_give_names_in_the_kernels_language_and_keep_their_codes():
    english = data.migrant_stock()
    raw = data._read_table(str(data.data_dir() / "migrant_stock_by_destination.csv"),
                           *data._stamp(data.data_dir() / "migrant_stock_by_destination.csv"),
                           json.dumps(data._resource("migrant_stock_by_destination")["schema"]))
    assert english.equals(raw)  # English: the publisher's own names, exactly
    mexico = {"fr": ("Mexique", "Amérique centrale", "Amérique latine et Caraïbes"),
              "es": ("México", "Centroamérica", "América Latina y el Caribe")}
    for language, names in mexico.items():
        set_language(language)
        stock = data.migrant_stock()
        assert stock["iso3"].equals(english["iso3"]) and stock["year"].equals(english["year"])
        row = stock[stock["iso3"] == "MEX"].iloc[0]
        assert (row["country"], row["un_subregion"], row["un_region"]) == names
        costs = data.remittance_costs()
        pair = costs[(costs["sending_iso3"] == "USA") & (costs["receiving_iso3"] == "MEX")]
        assert pair["receiving_country"].iloc[0] == names[0]
        assert pair["sending_country"].iloc[0] == data.country_name("USA", language)
        # One name per code, as in English: grouping by name gives the same groups.
        assert stock.groupby("iso3")["country"].nunique().max() == 1
        assert stock["country"].nunique() == english["country"].nunique()
    # The test locale qps is no real language: the publisher's names stay.
    assert data.in_language(english.copy(), "qps").equals(english)


# --- the package catalog's plumbing --------------------------------------------------------

def test_the_package_template_holds_marked_strings_whole(tmp_path):
    source = tmp_path / "toolbox_widgets" / "trainee"
    source.mkdir(parents=True)
    (source / "a.py").write_text(
        'from .i18n import N_, _, ngettext\n'
        'LABEL = N_("Saved")\n'
        'def f(n, x):\n'
        '    print(_("Exercise {id} is saved.").format(id=x))\n'
        '    print(ngettext("{count} word", "{count} words", n).format(count=n))\n'
        '    print(_(LABEL), _("A dictionary, for example {\\"item\\": 1}."))\n')
    pot = catalogs.extract_package(source)
    entries = {e.msgid: e for e in pot}
    assert set(entries) == {"Saved", "Exercise {id} is saved.", "{count} word",
                            'A dictionary, for example {"item": 1}.'}
    assert entries["{count} word"].msgid_plural == "{count} words"
    assert "python-brace-format" in entries["Exercise {id} is saved."].flags
    assert "python-brace-format" not in entries['A dictionary, for example {"item": 1}.'].flags
    assert entries["Saved"].occurrences == [("toolbox_widgets/trainee/a.py", "")]


def test_the_committed_package_template_is_current():
    committed = (ROOT / "locales" / "toolbox_widgets.pot").read_text(encoding="utf-8")
    assert committed == str(catalogs.extract_package()) + "\n", "run `mld build`"


def test_the_build_compiles_package_catalogs_and_removes_stale_ones(tmp_path):
    for language in ("fr", "qps"):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        po.append(polib.POEntry(msgid="Saved", msgstr="Enregistré"))
        target = tmp_path / "locales" / language / "LC_MESSAGES" / "toolbox_widgets.po"
        target.parent.mkdir(parents=True)
        po.save(str(target))
    stale = catalogs.compiled_folder(tmp_path) / "es" / "LC_MESSAGES" / "toolbox_widgets.mo"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"")
    catalogs.compile_package_catalogs(tmp_path)
    compiled = sorted(p.relative_to(catalogs.compiled_folder(tmp_path)).as_posix()
                      for p in catalogs.compiled_folder(tmp_path).rglob("*.mo"))
    assert compiled == ["fr/LC_MESSAGES/toolbox_widgets.mo"]  # no qps, no stale es
    import gettext
    with open(catalogs.compiled_folder(tmp_path) / compiled[0], "rb") as file:
        assert gettext.GNUTranslations(file).gettext("Saved") == "Enregistré"


@pytest.mark.parametrize("language, written", [
    ("en", "10 October 2013"), ("fr", "10 octobre 2013"), ("es", "10 de octubre de 2013")])
def test_a_date_in_a_sentence_is_written_out_in_the_trainees_language(language, written):
    """Chart words gave Spanish and French trainees ISO dates (2013-10-10)."""
    import datetime

    from toolbox_widgets.trainee.i18n import Message, use_language

    use_language(language)
    try:
        day = datetime.date(2013, 10, 10)
        assert Message("{start}").format(start=day) == written
        assert Message("{start:%Y}").format(start=day) == "2013"  # a spec is the author's
    finally:
        use_language("en")


@pytest.mark.parametrize("assignment", ["core", "core_fr", "core_es"])
def test_core_06_counts_the_facts_not_verified_alike_in_every_language(assignment, capsys,
                                                                        monkeypatch):
    """The fact card of notebook 06 once counted the statuses containing tr("UNVERIFIED"):
    Spanish writes «Moneda NO VERIFICADA», so its trainees read 3 facts where English has 4.
    The count now comes from a column the translation cannot change."""
    from toolbox_widgets.trainee import tables

    notebook = json.loads((ROOT / "source" / assignment / "06_case_study_bicol.ipynb")
                          .read_text(encoding="utf-8"))
    card = next("".join(c["source"]) for c in notebook["cells"] if c["id"] == "a-case-card")
    i18n.use_language(assignment.partition("_")[2] or "en")
    monkeypatch.setattr(tables, "display", lambda *args, **kwargs: None)
    exec("from toolbox_widgets import tr, show_table\n" + card, {})
    assert re.findall(r"\d+", capsys.readouterr().out) == ["10", "4"]
