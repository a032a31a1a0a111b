"""The trainee's page: dollar signs stay dollar signs, Validate asks only for what is
required (reflections included), answers keep their own saved time, charts stay light,
and the student version hides the code that only builds controls and charts."""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT, instructor_notebooks
from trainees import answer_with_widgets, read_key

from toolbox_widgets import Workbook
from toolbox_widgets.trainee import i18n
from toolbox_widgets.trainee.answers import AnswerStore
from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env
from toolbox_widgets.trainee.charts import show_chart, words_html
from toolbox_widgets.trainee.exercises import NotGraded
from toolbox_widgets.course.page_text import course_maths_problems, maths_problems, typeset_dollars

# --- 1. dollar signs ----------------------------------------------------------------------


def test_two_bare_dollars_in_a_paragraph_are_found():
    # Seen in JupyterLab 4: both of these become italic maths.
    assert typeset_dollars("India US$ 111.2 billion; Mexico US$ 61.1 billion.")
    assert typeset_dollars("India US\\$ 111.2 billion;\nMexico US\\$ 61.1 billion.")
    # ...and these stay text.
    assert not typeset_dollars("India US\\\\$ 111.2 billion; Mexico US\\\\$ 61.1 billion.")
    assert not typeset_dollars("Only one US$ 5 here.\n\nAnd US$ 6 in the next paragraph.")
    assert not typeset_dollars("In code: `a$b$c` and\n```\nx = '$$'\n```")


def _notebook_with(tmp_path, text, tags=()):
    cell = nbformat.v4.new_markdown_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def test_the_check_names_the_cell_and_the_fix_unless_maths_is_intended(tmp_path):
    bad = _notebook_with(tmp_path, "It costs US$ 5, then US$ 6.")
    [problem] = maths_problems(bad)
    assert "cell 1" in problem and "\\\\$" in problem and "maths" in problem
    assert maths_problems(_notebook_with(tmp_path, "$x^2$ grows", tags=["maths"])) == []
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert "could not be read" in maths_problems(tmp_path / "broken.ipynb")[0]


def test_no_authored_notebook_would_show_maths():
    assert course_maths_problems(ROOT) == []


def test_build_check_fails_on_text_that_would_be_typeset(tmp_path):
    course = layout.scratch_course(ROOT, tmp_path / "course", trees=())
    (course / "notebooks" / "core").mkdir(parents=True)
    shutil.copy2(_notebook_with(tmp_path, "India US$ 111.2 billion; Mexico US$ 61.1."),
                 course / "notebooks" / "core" / "01_x.ipynb")
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--check",
                             "--root", str(course)], capture_output=True, text=True,
                            env=tool_env(), check=False)
    assert result.returncode == 1
    assert "notebooks/core/01_x.ipynb, cell 1: JupyterLab would show this as maths" in (
        result.stdout)


def test_chart_in_words_is_never_typeset(monkeypatch):
    page = words_html("India US$ 111.2 billion; Mexico US$ 61.1 billion.")
    assert 'class="chart-alt mathjax_ignore tex2jax_ignore"' in page
    assert "US$ 111.2" in page  # the text itself is unchanged for screen readers


# --- 2. Validate --------------------------------------------------------------------------


def test_optional_code_task_is_only_noted_under_validate(monkeypatch, tmp_path, capsys):
    t = Workbook("unit", folder=tmp_path).code_task("t1")
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    t.status(None)
    assert "Optional code task t1 is not answered" in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(NotGraded):  # it still scores 0 under autograde
        t.status(None)


def test_progress_under_validate_names_every_missing_required_item(monkeypatch, tmp_path,
                                                                   capsys):
    book = Workbook("unit", folder=tmp_path)
    q = book.single_choice("q1", "Which?", {"one": "a", "two": "b"})
    r = book.reflection("r1", "Why?", points=3)
    book.code_task("t1")
    book.single_choice("p1", "Practice", {"one": "a", "two": "b"}, key="one")
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(NotGraded) as missing:
        book.progress()
    assert "exercise q1; reflection r1" in str(missing.value)
    assert "t1" not in str(missing.value).split(".")[0] and "p1" not in str(missing.value)
    q.answer("one")
    r.answer("Remittances pay for school fees in my town.")
    book.progress()  # everything required is answered: no failure
    assert "2 of 2 graded exercises answered" in capsys.readouterr().out


def _validate(notebook):
    from nbgrader.validator import Validator
    return Validator().validate(str(notebook))


def _words_in(assignment: str):
    """The package's compiled words in the language of an assignment (core_fr: French)."""
    _module, _, language = assignment.partition("_")
    if not language:
        return gettext.NullTranslations()
    return gettext.translation(i18n.DOMAIN, localedir=i18n.LOCALE_DIR, languages=[language])


STILL_TO_DO = ("Still to do before you submit: {items}. Optional code tasks are not "
               "required.")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["core", "core_fr", "core_es"])
def test_nbgrader_validate_on_the_student_version_asks_only_for_required_items(
        built_course, tmp_path, assignment):
    """01 with every required item answered passes with the code task blank; the same
    trainee without the reflection is told so by name, in the notebook's language. The
    keys are the English ones: a translation answers with the same option ids."""
    name = "01_why_local"
    key = read_key(built_course / "source" / "core" / f"{name}.ipynb")
    widgets = {e.exercise_id: e.answer_expr for e in key.auto if e.exercise_id}
    reflection = repr("In my district the census and the school records count newcomers. " * 8)
    words = _words_in(assignment)
    for written in (True, False):
        folder = tmp_path / ("written" if written else "blank")
        shutil.copytree(built_course / "release" / assignment, folder)
        answers = {**widgets, "r1": reflection} if written else widgets
        answer_with_widgets(folder / f"{name}.ipynb", answers)
        report = _validate(folder / f"{name}.ipynb")
        if written:
            assert report == {}, report
        else:
            [failure] = report["failed"]
            shown = " ".join(failure["raw_error"].split())  # nbgrader wraps long lines
            told = words.gettext(STILL_TO_DO).format(
                items=words.gettext("reflection {id}").format(id="r1"))
            assert " ".join(told.split()) in shown, shown[-600:]
            assert "Traceback" not in shown
            if assignment != "core":  # really translated, not the English fallback
                assert STILL_TO_DO.split(":")[0] not in shown


# --- 7. each answer keeps its own time ------------------------------------------------------


def test_each_answer_keeps_the_time_it_was_saved(tmp_path):
    store = AnswerStore("unit", tmp_path)
    store.set("q1", "A")
    data = json.loads(store.path.read_text())
    data["answers"]["q1"]["saved"] = "2026-01-01T08:00:00+00:00"  # saved long ago
    store.path.write_text(json.dumps(data))
    store = AnswerStore("unit", tmp_path)
    store.set("q2", "B")
    store.set("q1", "A")  # the same answer again, e.g. the widget restored
    answers = json.loads(store.path.read_text())["answers"]
    assert answers["q1"]["saved"] == "2026-01-01T08:00:00+00:00"
    assert answers["q2"]["saved"] != answers["q1"]["saved"]
    store.set("q1", "C")  # a real change gets a new time
    assert json.loads(store.path.read_text())["answers"]["q1"]["saved"] != (
        "2026-01-01T08:00:00+00:00")


# --- 6. charts stay light -------------------------------------------------------------------


def _chart_outputs(monkeypatch, mode):
    import plotly.graph_objects as go
    import plotly.io as pio
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    monkeypatch.setattr(pio.renderers, "default", pio.renderers.default)
    with capture_output() as shown:
        for _ in range(3):
            show_chart(go.Figure(go.Bar(x=[1, 2], y=[3, 4])), "Two bars.")
    return [output.data if hasattr(output, "data") else output for output in shown.outputs]


def test_trainee_charts_carry_no_plotly_js(monkeypatch):
    outputs = _chart_outputs(monkeypatch, "")
    size = sum(len(json.dumps(o, default=str)) for o in outputs)
    assert size < 30_000, f"three small charts take {size} bytes"
    assert sum("application/vnd.plotly.v1+json" in o for o in outputs) == 3


def test_under_autograde_plotly_js_is_embedded_once(monkeypatch):
    outputs = _chart_outputs(monkeypatch, "autograde")
    bundles = [json.dumps(o, default=str) for o in outputs]
    with_library = [b for b in bundles if len(b) > 1_000_000]
    assert len(with_library) == 1  # plotly.js, for the feedback HTML opened offline


# --- 3. the student version hides the code that builds controls and charts ---------------------


@pytest.mark.parametrize("notebook", instructor_notebooks(),
                         ids=[p.name for p in instructor_notebooks()])
def test_student_version_collapses_exercise_chart_and_table_code(notebook):
    student = nbformat.read(ROOT / "release" / notebook.parent.name / notebook.name,
                            as_version=4)
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
        builds = "show_chart(" in cell.source or "show_table(" in cell.source or any(
            f"book.{kind}(" in cell.source for kind in (
                "single_choice", "multiple_choice", "numeric", "matching", "ordering",
                "reflection", "self_assessment", "rating_grid")) or bool(re.search(
                    # Module 1's profile builder: its menus, and a profile shown with charts
                    r"\bprofiles\.(country|municipal)_builder\(|^\w+\.show\(\)$",
                    cell.source, re.MULTILINE))
        # A test cell that only says an exercise's status, or the progress, says nothing the
        # exercise's line does not: folded, so a status is shown once (a code task's
        # `t1.status(value)` stays open: the trainee runs it to save the value).
        checks = cell.metadata.get("nbgrader", {}).get("grade") and re.fullmatch(
            r"\s*(\w+\.status\(\)|book\.progress\(\))\s*", cell.source)
        if "book.code_task(" in cell.source or not cell.metadata.get("nbgrader"):
            assert not hidden, cell.source[:80]
        else:
            assert hidden == bool(builds or checks), cell.source[:80]
        assert not cell.metadata.get("jupyter", {}).get("outputs_hidden", False)


# --- 7. a notebook opens unmodified -------------------------------------------------------------


def test_trainee_copies_carry_the_kernels_language_info(tmp_path):
    """JupyterLab replaces a different language_info as the kernel starts, which marks
    the notebook as modified at once (tests/test_page_browser.py sees it in Chromium)."""
    from toolbox_widgets.course.trainee_setup import kernel_language_info, match_kernel

    shutil.copytree(ROOT / "release" / "core", tmp_path / "core")
    release = nbformat.read(ROOT / "release" / "core" / "01_why_local.ipynb", as_version=4)
    assert release.metadata["language_info"] != kernel_language_info()  # as built
    changed = match_kernel(tmp_path)
    assert len(changed) == len(list((tmp_path / "core").glob("*.ipynb")))
    mine = nbformat.read(tmp_path / "core" / "01_why_local.ipynb", as_version=4)
    assert mine.metadata["language_info"] == kernel_language_info()
    assert mine.cells == release.cells  # nothing else touched
    assert match_kernel(tmp_path) == []  # idempotent: no rewrite on the next open
    (tmp_path / "core" / "broken.ipynb").write_text("{")
    assert match_kernel(tmp_path) == []  # a broken file is reported and left alone


def test_a_trainee_kernel_never_imports_nbformat():
    """plotly's renderers import nbformat, whose jsonschema took seconds of every Run All;
    nor jinja2, which pandas' Styler needs."""
    script = ("import sys, plotly.graph_objects as go\n"
              "from toolbox_widgets import Workbook, show_chart, show_table, data\n"
              "book = Workbook('unit', folder=sys.argv[1])\n"
              "show_chart(go.Figure(go.Bar(x=[1], y=[2])), 'One bar.')\n"
              "assert 'nbformat' not in sys.modules, 'nbformat was imported'\n"
              # pandas' Styler (jinja2 and its templates) cost 0.2-0.3 s of the first table
              "show_table(data.remittances().head(3), {'country': 'Country', 'year': 'Year'})\n"
              "assert 'jinja2' not in sys.modules, 'jinja2 was imported'\n")
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        env = {**tool_env(), "NBGRADER_EXECUTION": ""}
        result = subprocess.run([sys.executable, "-c", script, folder], capture_output=True,
                                text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_course_open_and_the_hub_give_trainees_the_same_lab():
    """course.py open, trainee_setup and the hub's trainee role switch off the same
    instructor tools (the hub keeps Assignments), and load the same custom CSS."""
    import course
    from toolbox_widgets.course.trainee_setup import CUSTOM, SETTINGS, custom_css, lab_options

    assert course.trainee_lab_options() == lab_options()
    assert (CUSTOM / "custom.css").read_text(encoding="utf-8") == custom_css(), (
        "custom.css is out of date: python -m toolbox_widgets.course.trainee_setup --css")
    hub = ROOT / "deploy" / "jupyterhub" / "jupyter" / "trainee"
    local = json.loads((SETTINGS / "page_config.json").read_text())["disabledExtensions"]
    on_hub = json.loads((hub / "labconfig" / "page_config.json").read_text())
    assert on_hub["disabledExtensions"] == {
        k: v for k, v in local.items() if k != "@jupyter/nbgrader:assignment-list"}
    # No prompt about Jupyter's news feed, locally or on the hub: a trainee meets no
    # question that is not about the course.
    quiet = json.loads((SETTINGS / "overrides.json").read_text())
    hub_overrides = json.loads((hub / "lab" / "overrides.json").read_text())
    news = "@jupyterlab/apputils-extension:notification"
    assert quiet[news]["fetchNews"] == "false" and hub_overrides[news] == quiet[news]
    server = json.loads((hub / "jupyter_server_config.json").read_text())["ServerApp"]
    assert server["contents_manager_class"].endswith("TraineeContentsManager")
    assert "static_custom_path" in (hub / "jupyter_server_config.py").read_text()


def test_the_hubs_contents_manager_opens_notebooks_with_the_kernels_language_info(tmp_path):
    """On a hub, notebooks arrive after the server starts; the trainee's contents manager
    gives them the kernel's language_info on reading, so none opens as modified."""
    import asyncio

    import nbformat

    from toolbox_widgets.course.trainee_contents import TraineeContentsManager
    from toolbox_widgets.course.trainee_setup import kernel_language_info

    nbformat.write(nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}}),
                   tmp_path / "fetched.ipynb")
    manager = TraineeContentsManager(root_dir=str(tmp_path))
    model = asyncio.run(manager.get("fetched.ipynb"))
    assert model["content"]["metadata"]["language_info"] == kernel_language_info()
    listing = asyncio.run(manager.get("", content=True))
    assert [m["name"] for m in listing["content"]] == ["fetched.ipynb"]


def test_course_charts_carry_a_light_template():
    """A chart's saved JSON holds the course's template, not plotly's whole default one
    (which styles ~25 trace types and 3-D, map and ternary axes the course never draws):
    half the bytes in every saved figure. The kernel builds it with no template at all."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from toolbox_widgets.trainee.charts import course_template, mime_bundle, use_course_renderers

    def line():
        return go.Figure(go.Scatter(x=[2000, 2010, 2020], y=[1.0, 2.0, 3.0]))

    pio.templates.default = "plotly"
    full = json.dumps(mime_bundle(line()))
    use_course_renderers()
    assert pio.templates.default == "none"
    light = mime_bundle(line())
    template = light["application/vnd.plotly.v1+json"]["layout"]["template"]
    assert template == course_template()
    assert "scene" not in template["layout"] and "geo" not in template["layout"]
    assert set(template["data"]) <= {"bar", "scatter", "heatmap", "barpolar", "scatterpolar",
                                     "waterfall"}
    assert tuple(template["layout"]["colorway"]) == pio.templates["plotly"].layout.colorway
    assert len(json.dumps(light)) < 0.6 * len(full)
    # An author's own template is kept.
    own = go.Figure(go.Bar(x=[1], y=[2]), layout={"template": "plotly_dark"})
    kept = mime_bundle(own)["application/vnd.plotly.v1+json"]["layout"]["template"]
    assert kept["layout"]["paper_bgcolor"] == pio.templates["plotly_dark"].layout.paper_bgcolor
    pio.templates.default = "plotly"


def test_a_long_vertical_axis_title_goes_on_several_lines():
    """Notebook 03's Spanish y-axis title was longer than the plot was tall, and cut."""
    import plotly.graph_objects as go

    from toolbox_widgets.trainee.charts import figure_json

    long = "Entradas de remesas registradas (miles de millones de US$, escala logarítmica)"
    layout = figure_json(go.Figure(go.Bar(x=[1], y=[2]), layout={
        "yaxis_title": long, "yaxis2": {"title": {"text": long}}, "xaxis_title": "Año"}))["layout"]
    for axis in ("yaxis", "yaxis2"):
        lines = layout[axis]["title"]["text"].split("<br>")
        assert len(lines) == 2 and max(map(len, lines)) <= 40
        assert " ".join(lines) == long
    assert layout["xaxis"]["title"]["text"] == "Año"


def test_the_shipped_chart_template_is_plotlys_look():
    """chart_template.json is derived from the installed plotly's default template; a
    plotly upgrade that changes its look shows here."""
    from toolbox_widgets.trainee.charts import course_template, derive_course_template

    assert course_template() == derive_course_template(), (
        "toolbox_widgets/trainee/chart_template.json differs from plotly's default look: "
        "run `python -m toolbox_widgets.trainee.charts` to rewrite it, and commit it.")


# Cells that printed a list of the very figures the next chart draws and says in words.
# Each fact is shown once: as the chart with its words.
CHARTED_NOT_PRINTED = {"01_why_local": ["c-top-gdp"],
                       "02_words_matter": ["e-world", "d-waterfall", "e-countries"],
                       "03_two_way_link": ["c-nepal"], "04_global_frame": ["b-shares"],
                       "05_reading_numbers": ["b-briefs"], "06_case_study_bicol": ["d-corridors"],
                       "07_glossary": ["d-displaced", "d-corridor"]}
# Of those, cells whose every printed line repeated the chart's words: they print nothing.
PRINT_NOTHING = {"02_words_matter": ["d-waterfall"], "03_two_way_link": ["c-nepal"],
                 "06_case_study_bicol": ["d-corridors"]}


@pytest.mark.parametrize("stem", sorted(CHARTED_NOT_PRINTED))
def test_a_charted_fact_is_not_printed_as_a_list_too(stem):
    notebook = nbformat.read(ROOT / "notebooks" / "core" / f"{stem}.ipynb", as_version=4)
    cells = {c.get("id"): c for c in notebook.cells}
    for cell_id in CHARTED_NOT_PRINTED[stem]:
        source = cells[cell_id].source
        following = notebook.cells[notebook.cells.index(cells[cell_id]) + 1]
        assert "show_chart(" in source + following.source, f"{stem} {cell_id}: no chart follows"
        printed_rows = re.search(r"^\s*for .*\.(?:iterrows|itertuples|items)\(.*:\n"
                                 r"(?:\s+.*\n)*?\s+print\(", source + "\n", re.M)
        assert not printed_rows, f"{stem} {cell_id} prints, row by row, what its chart shows"
        if cell_id in PRINT_NOTHING.get(stem, []):
            assert "print(" not in source, f"{stem} {cell_id} prints what its chart says"


def test_a_trainee_table_has_headings_no_row_numbers_and_numbers_in_words_order():
    """What show_table writes: the headings given, no index, thousands separators,
    whole numbers without decimals, years as labels, a dash for a missing number, and
    words aligned left."""
    import pandas as pd

    from toolbox_widgets.trainee.tables import table_html

    frame = pd.DataFrame({"country": ["Mexico", "India"], "year": [2022, 2023],
                          "inflow": [61100.25, None], "count": [1234, 5]}, index=[1816, 1817])
    html_text = table_html(frame, {"country": "Country", "inflow": "Inflow (US$ million)",
                                   "year": "Year", "count": "Corridors"}, caption="Largest")
    headings = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", html_text)
    assert headings == ["Country", "Inflow (US$ million)", "Year", "Corridors"]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", html_text) if "<td" in row]
    assert rows == [["Mexico", "61,100.2", "2022", "1,234"], ["India", "–", "2023", "5"]]
    assert "1816" not in html_text and "<caption>Largest</caption>" in html_text
    assert 'class="course-table mathjax_ignore tex2jax_ignore"' in html_text
    words = re.findall(r'<td style="([^"]*)">Mexico</td>', html_text)
    assert words and "text-align: left" in words[0]
