"""The course home: where the trainee stands in every module of their own copy.

The Core overview calls ``show_home()``. It reads only the trainee's own files: the
notebooks of each module folder next to Core's (``core``, ``module1`` …, or ``core_fr`` …
in a translated copy) and their answers files. It never reads a gradebook or a key:

* self-study: the points are the ones "Check my answer" gave, kept in the answers file
  (``checked``); a check counts while its answer is unchanged, as in the notebook's own
  score line (workbook.py);
* class: the version holds no key, so the home counts what is answered and the points
  those exercises are worth, never as "x of y", which would read as a mark; the
  instructor's grading gives the mark after submission.

A missing answers file means "not started"; a damaged one too, with a plain note. The
file is only read, never moved or repaired here: the notebook itself does that.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from IPython.display import HTML, display

from . import i18n
from .i18n import N_, _, ngettext
from .numbers import show
from .page_style import NO_MATHS

MODULES = ("core", "module1", "module2", "module3", "module4", "module5")
PASS_SHARE = 0.7  # the self-study threshold the home states (statement of completion)
MAX_ANSWERS_BYTES = 2_000_000  # as the grader: larger is no answers file of ours

TITLES = {
    "core": N_("Core: introduction to migration and local development"),
    "module1": N_("Module 1: managing the link between migration and local development"),
    "module2": N_("Module 2: partnerships, cooperation and dialogue at local level"),
    "module3": N_("Module 3: empowering migrants at the territorial level"),
    "module4": N_("Module 4: jobs and economic opportunities through migration"),
    "module5": N_("Module 5: integration and reintegration policies"),
}
# Who each optional module suits, in one line (the overview's "After Core" table).
SUITS = {
    "core": N_("Compulsory for everyone: the optional modules build on it."),
    "module1": N_("For those who bring migration into local plans, data and policy "
                  "coherence."),
    "module2": N_("For those who work with other levels of government, cities abroad, civil "
                  "society and the private sector."),
    "module3": N_("For those who support migrants' and diaspora associations, and migrants' "
                  "access to services."),
    "module4": N_("For those who work on jobs, skills, enterprise, remittances and "
                  "investment."),
    "module5": N_("For those who work on the integration of newcomers and the reintegration "
                  "of returnees."),
}
NOT_STARTED = N_("○ not started")
STARTED = N_("◐ started")
DONE = N_("✔ done")
NOTHING_TO_ANSWER = N_("✔ nothing to answer")

WORKBOOK = re.compile(r"\bWorkbook\(\s*(['\"])([^'\"]+)\1")
CODE_TASK = re.compile(r"\.code_task\(\s*['\"]([^'\"]+)['\"]")
REFLECTION = re.compile(r"\.reflection\(\s*['\"]([^'\"]+)['\"]")
STATUS = re.compile(r"^\s*(\w+)\.status\(")  # a test cell's first line: q1.status()


@dataclass
class Notebook:
    """One notebook of the trainee's copy and how far they are in it."""

    path: Path
    title: str
    workbook: str | None
    minutes: float | None  # the author's estimate (notebook metadata mld.minutes)
    self_study: bool
    possible: float = 0.0  # points the notebook carries (self-study: its score line's)
    earned: float = 0.0  # self-study: checked points; class: points of answered exercises
    required: list[str] = field(default_factory=list)  # exercises and reflections to do
    done: list[str] = field(default_factory=list)
    reflections: list[str] = field(default_factory=list)
    points: dict[str, float] = field(default_factory=dict)  # per item (class: nbgrader's)
    answers: dict = field(default_factory=dict)
    note: str = ""  # a plain sentence when the answers file could not be read
    started: bool = False
    language: str = ""  # a translated build's language (metadata mld.language)

    @property
    def status(self) -> str:
        if not self.required:
            return NOTHING_TO_ANSWER
        if len(self.done) == len(self.required):
            return DONE
        return STARTED if self.started else NOT_STARTED

    @property
    def finished(self) -> bool:
        return len(self.done) == len(self.required)

    @property
    def minutes_left(self) -> float:
        if self.minutes is None or self.finished:
            return 0.0
        return self.minutes * (1 - len(self.done) / len(self.required))


@dataclass
class Module:
    name: str  # core, module1
    folder: Path
    notebooks: list[Notebook]

    @property
    def possible(self) -> float:
        return sum(n.possible for n in self.notebooks)

    @property
    def earned(self) -> float:
        return sum(n.earned for n in self.notebooks)

    @property
    def passed(self) -> bool:
        """Self-study: at least PASS_SHARE of the module's points checked right."""
        return self.possible > 0 and self.earned >= PASS_SHARE * self.possible - 1e-9


def read_answers(path: Path) -> tuple[dict, dict, str]:
    """(answers, self-study checks, note) of an answers file; never raises. A missing file
    gives no note; a damaged one a plain sentence, and the file is left as it is."""
    if not path.exists() and not path.is_symlink():
        return {}, {}, ""
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError(_("it is not a plain file"))
        if path.stat().st_size > MAX_ANSWERS_BYTES:
            raise ValueError(_("it is too large to be an answers file"))
        data = json.loads(path.read_text(encoding="utf-8"))
        answers = data["answers"]
        if not isinstance(answers, dict):
            raise TypeError(_("it holds no answers"))
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        ours = isinstance(error, (ValueError, TypeError)) and not isinstance(
            error, json.JSONDecodeError) and not isinstance(error, UnicodeDecodeError)
        reason = str(error) if ours else _("it is not a valid answers file")
        return {}, {}, _(
            "The answers file {name} could not be read ({reason}), so this notebook shows as "
            "not started. Open the notebook and run it: it keeps the damaged file aside and "
            "starts afresh.").format(name=path.name, reason=reason)
    values = {str(k): v.get("value") if isinstance(v, dict) else v for k, v in answers.items()}
    checks = data.get("checked")
    checks = {str(k): v for k, v in checks.items() if isinstance(v, dict)
              and isinstance(v.get("earned"), (int, float)) and not isinstance(v["earned"], bool)
              } if isinstance(checks, dict) else {}
    return values, checks, ""


def _answered(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return value != [] and value != {}


def read_notebook(path: Path) -> Notebook:
    """A notebook's items and the trainee's progress in it, from its answers file."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook.get("cells", [])
    meta = notebook.get("metadata", {})
    sources = ["".join(c.get("source", "")) for c in cells]
    code = [s for c, s in zip(cells, sources) if c.get("cell_type") == "code"]
    title = next((line.lstrip("# ").strip() for c, s in zip(cells, sources)
                  if c.get("cell_type") == "markdown" for line in s.splitlines()
                  if line.startswith("# ")), path.stem)
    workbook = next((m.group(2) for s in code for m in [WORKBOOK.search(s)] if m), None)
    tasks = {t for s in code for t in CODE_TASK.findall(s)}  # optional: bonus points only
    mld = meta.get("mld") if isinstance(meta.get("mld"), dict) else {}
    minutes = mld.get("minutes")
    self_study = isinstance(meta.get("self_study"), dict)
    state = Notebook(path, title, workbook,
                     float(minutes) if isinstance(minutes, (int, float)) else None, self_study,
                     language=str(mld.get("language") or ""))
    points: dict[str, float] = {}  # item -> its points (class: nbgrader's marks)
    for cell, source in zip(cells, sources):
        marks = cell.get("metadata", {}).get("nbgrader", {})
        if marks.get("task") or marks.get("grade"):
            item = marks.get("grade_id", "").removesuffix("_task").removesuffix("_test")
            if float(marks.get("points", 0) or 0) > 0:
                points[item] = float(marks.get("points", 0))
        elif self_study and cell.get("cell_type") == "code" and ".grade(" in source:
            found = STATUS.match(source)
            if found:
                points.setdefault(found.group(1), 0.0)
    state.reflections = [r for s in code for r in REFLECTION.findall(s)]
    state.points = points
    state.required = [i for i in points if i not in tasks] + [
        r for r in state.reflections if r not in points]
    if self_study:
        state.possible = float(meta["self_study"].get("points", 0))
    else:
        state.possible = sum(points.values())
    if state.language and i18n.language() == i18n.ENGLISH:
        i18n.use_language(state.language)  # before any Workbook: the copy's language
    if workbook is None:
        return state
    answers, checks, state.note = read_answers(path.parent / f"{workbook}.answers.json")
    state.answers = answers
    state.started = any(_answered(v) for v in answers.values())
    state.done = [i for i in state.required if _answered(answers.get(i))]
    if self_study:  # as the notebook's score line: a check counts while its answer stands
        state.earned = sum(float(c["earned"]) for k, c in checks.items()
                           if k in points and k not in state.reflections and k not in tasks
                           and c.get("value") == answers.get(k))
        state.done = [i for i in state.done if i in state.reflections or
                      (i in checks and checks[i].get("value") == answers.get(i))]
    else:
        state.earned = sum(p for i, p in points.items() if _answered(answers.get(i)))
    return state


def _suffix(folder: Path) -> str:
    """"_fr" for core_fr, "" for core: a copy holds one language."""
    name = folder.name
    for module in MODULES:
        if name.startswith(module + "_"):
            return name[len(module):]
    return ""


def find_modules(folder: Path | str = ".") -> list[Module]:
    """The modules of the trainee's copy: folders next to this one named core, module1 …
    in this folder's language, each with its notebooks, Core first."""
    here = Path(folder).resolve()
    suffix = _suffix(here)
    found = []
    for module in MODULES:
        where = here.parent / f"{module}{suffix}"
        if not where.is_dir():
            continue
        notebooks = []
        for path in sorted(where.glob("*.ipynb")):
            try:
                notebooks.append(read_notebook(path))
            except (OSError, ValueError, TypeError, AttributeError, RecursionError):
                continue  # not a notebook the home can read; JupyterLab will say why
        if notebooks:
            found.append(Module(module, where, notebooks))
    return found


def next_notebook(modules: list[Module]) -> tuple[Module, Notebook] | None:
    """The first unfinished notebook with something to answer: Core first, then the
    optional modules in the trainee's folder, in their order."""
    for module in modules:
        for notebook in module.notebooks:
            if notebook.required and not notebook.finished:
                return module, notebook
    return None


def duration(minutes: float) -> str:
    """"about 45 min", "about 6 h 30 min", rounded to five minutes."""
    minutes = int(5 * round(minutes / 5))
    if minutes < 60:
        return _("about {minutes} min").format(minutes=minutes)
    return _("about {hours} h {minutes:02d} min").format(hours=minutes // 60,
                                                      minutes=minutes % 60)


def home_html(modules: list[Module]) -> str:
    """The course home as HTML: a sentence per module, a table per module, the next step."""
    if not modules:
        return "<p>" + html.escape(_("No module was found next to this notebook's folder.")) \
            + "</p>"
    self_study = any(n.self_study for m in modules for n in m.notebooks)
    parts = []
    step = next_notebook(modules)
    if step is None:
        parts.append(_("You have finished every notebook in your folder."))
    else:
        module, notebook = step
        link = f"../{module.folder.name}/{notebook.path.name}"
        parts.append(_("Next step: open {title} ({file}).").format(
            title=f'<a href="{html.escape(link)}">{html.escape(notebook.title)}</a>',
            file=html.escape(f"{module.folder.name}/{notebook.path.name}")))
    left = sum(n.minutes_left for m in modules for n in m.notebooks)
    if left:
        parts.append(_("Time left for the notebooks in your folder: {time}.").format(
            time=duration(left)))
    if self_study:
        parts.append(_("A module is completed when you have scored at least {share}% of its "
                       "points with “Check my answer”. When Core and the modules you chose are "
                       "completed, you can write your statement of completion.").format(
            share=show(PASS_SHARE * 100)))
    else:
        parts.append(_("Your mark comes from your instructor's grading, after you submit "
                       "your notebooks. This page does not check your answers and gives no "
                       "mark."))
        parts.append(_("It counts the exercises you have answered, right or wrong, and the "
                       "points those exercises are worth."))
    out = [f'<div class="course-home {NO_MATHS}">',
           "".join(f"<p>{p}</p>" for p in parts)]
    for module in modules:
        out.append(_module_html(module, self_study))
    if len(modules) == 1:
        out.append("<p>" + html.escape(_("The optional modules appear here as they are "
                                         "released.")) + "</p>")
    out.append("</div>")
    return "\n".join(out)


def _module_html(module: Module, self_study: bool) -> str:
    done = sum(n.finished and bool(n.required) for n in module.notebooks)
    count = sum(bool(n.required) for n in module.notebooks)
    if self_study:
        summary = _("Notebooks done: {done} of {count}. Points scored: {earned} of "
                    "{possible}.").format(done=done, count=count,
                                          earned=show(round(module.earned, 2)),
                                          possible=show(module.possible))
        if module.passed:
            summary += " " + _("✔ Completed: at least {share}% of the points.").format(
                share=show(PASS_SHARE * 100))
        headings = [_("Points scored")]
    else:  # no "x of y": the answered exercises' worth must not read as a mark
        summary = " ".join([
            _("Notebooks answered in full: {done} of {count}.").format(done=done, count=count),
            ngettext("The exercises of this module are worth {count} point.",
                     "The exercises of this module are worth {count} points.",
                     math.ceil(module.possible)).format(count=show(module.possible)),
            ngettext("Those you have answered are worth {count} point.",
                     "Those you have answered are worth {count} points.",
                     math.ceil(module.earned)).format(count=show(module.earned))])
        headings = [_("Points the notebook is worth"),
                    _("Points the exercises you answered are worth")]
    rows = []
    for notebook in module.notebooks:
        items = _("{done} of {count}").format(done=len(notebook.done),
                                             count=len(notebook.required))
        if self_study:
            points = [_("{earned} of {possible}").format(
                earned=show(round(notebook.earned, 2)), possible=show(notebook.possible))]
        else:
            points = [show(notebook.possible), show(notebook.earned)]
        time = duration(notebook.minutes_left) if notebook.minutes_left else "–"
        cells = [html.escape(notebook.title), html.escape(_(notebook.status)), items, *points,
                 time]
        rows.append("<tr>" + "".join(f'<td style="text-align: left;">{c}</td>'
                                     for c in cells) + "</tr>")
    notes = "".join(f"<p>! {html.escape(n.note)}</p>" for n in module.notebooks if n.note)
    head = "".join(f'<th scope="col" style="text-align: left;">{h}</th>' for h in (
        _("Notebook"), _("Status"), _("Exercises and reflections done"), *headings,
        _("Time left")))
    return (f"<h3>{html.escape(_(TITLES[module.name]))}</h3>\n"
            f"<p><em>{html.escape(_(SUITS[module.name]))}</em> {html.escape(summary)}</p>\n"
            f'{notes}<table class="course-table {NO_MATHS}">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>")


def show_home(folder: Path | str = ".") -> None:
    """Show the course home for the copy this notebook is in (the Core overview's cell)."""
    modules = find_modules(folder)
    display(HTML(home_html(modules)))
