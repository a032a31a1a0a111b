"""What a trainee takes away: *My local migration-and-development action plan* (their written
reflections about their own territory, gathered from every module as chapters) and, in the
self-study version, a statement of completion once Core and the modules they chose reach
the threshold the course home states (home.PASS_SHARE).

Both come from the trainee's own copy only (home.find_modules: the notebooks and their
answers files) and are written by buttons in the Core overview (``my_documents()``) into
the copy's top folder, next to the module folders, as HTML and PDF (documents.py). A file
is never overwritten: a newer one is named ``…-2``, ``…-3``.
"""

from __future__ import annotations

import ast
import html
import json
from datetime import datetime, timezone
from pathlib import Path

from . import home
from .i18n import N_, _
from .numbers import show

# The plan's chapters and the modules whose reflections fill them, in order.
CHAPTERS = (
    (N_("Diagnosis: migration and development in my territory"), ("core", "module1")),
    (N_("Partners"), ("module2",)),
    (N_("Migrants' participation"), ("module3",)),
    (N_("Economic opportunities"), ("module4",)),
    (N_("(Re)integration"), ("module5",)),
)
# What the course's tools write into a module's folder (documents.write_new), which the
# plan names in its chapter: the Module 1 profile builder's profiles so far. A tool that
# writes a document for the plan adds its file pattern here.
OUTPUTS = ("migration_profile_*.pdf", "migration_profile_*.html")
PLAN_FILE = "my-action-plan"
STATEMENT_FILE = "my-statement-of-completion"


def reflection_questions(path: Path) -> dict[str, str]:
    """{reflection id: its question} from the notebook's book.reflection("r1", tr("…")) calls,
    in the notebook's language (a translated build's tr() holds the translation)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return {}
    questions = {}
    for cell in cells:
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") != "code" or ".reflection(" not in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "reflection" and len(node.args) >= 2):
                name, prompt = node.args[0], node.args[1]
                if isinstance(prompt, ast.Call) and prompt.args:  # tr("…")
                    prompt = prompt.args[0]
                if isinstance(name, ast.Constant) and isinstance(prompt, ast.Constant):
                    questions[str(name.value)] = str(prompt.value)
    return questions


def plan_document(modules: list[home.Module], name: str = "", made: datetime | None = None):
    """The action plan as a documents.Document."""
    from .certificate import long_date
    from .documents import Document

    made = made or datetime.now(timezone.utc)
    subtitle = _("Written by {name} on {date}, from the reflections in the course "
                 "Migration and Local Development.").format(
        name=name.strip() or _("the learner"), date=long_date(made.date()))
    # The trainee's words are the plan, printed at reading size (size=10); the questions
    # and the course's notes around them are smaller and grey.
    doc = Document(_("My local migration-and-development action plan"), subtitle=subtitle,
                   size=10)
    doc.note(_("Each chapter gathers what you wrote about your own territory in the "
               "course's written reflections. Write the plan again as you go: it takes "
               "your latest answers."))
    present = {m.name: m for m in modules}
    for title, names in CHAPTERS:
        doc.heading(_(title))
        written = 0
        for module_name in names:
            module = present.get(module_name)
            if module is None:
                doc.note(_("This chapter comes with {module}, when it is in your "
                           "course folder.").format(module=_(home.TITLES[module_name])))
                continue
            for notebook in module.notebooks:
                questions = reflection_questions(notebook.path) if notebook.reflections else {}
                for item in notebook.reflections:
                    text = notebook.answers.get(item)
                    if not isinstance(text, str) or not text.strip():
                        continue
                    written += 1
                    doc.prompt(notebook.title, questions.get(item, item))
                    doc.own_words(text)
            made = sorted({path.relative_to(module.folder.parent).as_posix()
                           for pattern in OUTPUTS for path in module.folder.glob(pattern)})
            if made:
                written += 1
                doc.note(_("Documents you made with the tools of {module}, in your course "
                           "folder:").format(module=_(home.TITLES[module_name])))
                doc.bullets(made)
        if not written and any(m in present for m in names):
            doc.note(_("Nothing written yet: your reflections from these modules appear "
                       "here once you write them."))
    return doc


def statement_modules(modules: list[home.Module], chosen: list[str]) -> tuple[list, list]:
    """(modules for the statement as (module, scored, possible), what is still missing as
    sentences): Core and every chosen optional module at the threshold or above."""
    present = {m.name: m for m in modules}
    wanted = ["core", *[c for c in chosen if c != "core"]]
    ready, missing = [], []
    for name in wanted:
        module = present.get(name)
        if module is None:
            missing.append(_("{module} is not in your course folder.").format(
                module=_(home.TITLES[name])))
        elif not module.passed:
            share = 100 * module.earned / module.possible if module.possible else 0
            missing.append(_("{module}: {share}% of the points scored so far; {need}% are "
                             "needed.").format(module=_(home.TITLES[name]),
                                               share=show(round(share)),
                                               need=show(round(home.PASS_SHARE * 100))))
        else:
            ready.append((name, module.earned, module.possible))
    return ready, missing


def write_plan(folder: Path | str = ".", name: str = "") -> tuple[Path, Path]:
    """Write the action plan for the copy the notebook in folder belongs to."""
    from .documents import write_new

    modules = home.find_modules(folder)
    doc = plan_document(modules, name)
    top = Path(folder).resolve().parent
    return (write_new(top, PLAN_FILE, ".html", doc.html().encode("utf-8")),
            write_new(top, PLAN_FILE, ".pdf", doc.pdf_bytes()))


def write_statement(folder: Path | str = ".", name: str = "",
                    chosen: list[str] = ()) -> tuple[Path | None, list[str]]:
    """Write the statement of completion (self-study) if Core and the chosen modules are
    completed; else return None and what is missing, in sentences."""
    from .certificate import statement_document
    from .documents import write_new

    modules = home.find_modules(folder)
    if not any(n.self_study for m in modules for n in m.notebooks):
        return None, [_("The statement of completion is for the self-study version. In the "
                        "class version, your instructor issues certificates.")]
    ready, missing = statement_modules(modules, list(chosen))
    if missing:
        return None, missing
    doc = statement_document(name, ready, datetime.now(timezone.utc).date(), home.PASS_SHARE)
    top = Path(folder).resolve().parent
    return write_new(top, STATEMENT_FILE, ".pdf", doc.pdf_bytes()), []


# --- the overview's buttons -----------------------------------------------------------

def my_documents(folder: Path | str = "."):
    """The overview's buttons: the action plan (HTML and PDF) and, in the self-study
    version, the statement of completion. Each says in words what it wrote, or why not."""
    import ipywidgets as widgets

    from .answers import nbgrader_mode

    if nbgrader_mode():  # the grader's run and the feedback page: no buttons to press
        return None
    modules = home.find_modules(folder)
    self_study = any(n.self_study for m in modules for n in m.notebooks)
    name = widgets.Text(description=_("Your name:"), placeholder=_("as it should appear on "
                                                                  "your documents"),
                        style={"description_width": "initial"},
                        layout=widgets.Layout(width="32em"))
    plan = widgets.Button(description=_("Write my action plan"), icon="file-text",
                          tooltip=_("Writes your action plan as HTML and PDF"),
                          layout=widgets.Layout(width="auto"))
    said = widgets.HTML(value="")
    rows = [name, plan]
    optional = [m.name for m in modules if m.name != "core"]
    chosen = widgets.SelectMultiple(options=[(_(home.TITLES[m]), m) for m in optional],
                                    description=_("Optional modules to include:"),
                                    style={"description_width": "initial"},
                                    layout=widgets.Layout(width="40em"))
    statement = widgets.Button(description=_("Write my statement of completion"),
                               icon="certificate", layout=widgets.Layout(width="auto"),
                               tooltip=_("Writes your self-assessed statement as PDF"))

    def say(lines: list[str]) -> None:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        said.value = f'<div role="status" aria-live="polite"><ul>{items}</ul></div>'

    def write_the_plan(_button) -> None:
        try:
            written = write_plan(folder, name.value)
        except OSError as error:
            say([_("Your action plan could not be written ({reason}). Check that your course "
                   "folder can be written to, then try again.").format(
                reason=error.strerror or error)])
            return
        say([_("✔ Written: {file}").format(file=path.name) for path in written])

    def write_the_statement(_button) -> None:
        try:
            path, missing = write_statement(folder, name.value, list(chosen.value))
        except OSError as error:
            say([_("Your statement could not be written ({reason}). Check that your course "
                   "folder can be written to, then try again.").format(
                reason=error.strerror or error)])
            return
        if path is None:
            say([_("○ Not yet:")] + missing)
        else:
            say([_("✔ Written: {file}").format(file=path.name)])

    plan.on_click(write_the_plan)
    statement.on_click(write_the_statement)
    if self_study:
        if optional:
            rows.append(chosen)
        rows.append(statement)
    return widgets.VBox([*rows, said])
