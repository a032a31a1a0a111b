"""French and Spanish from one source: gettext catalogs for the course notebooks.

The English instructor notebooks in notebooks/<module>/ are the only ones authors edit.
This module, used by `mld build` and by translators, never by a trainee's kernel:

* extracts their text into locales/<module>.pot: every Markdown cell split per block
  (heading, paragraph, list item, table cell), with code, inline code, links and HTML
  kept out of reach as {1}, {2} … placeholders (translate-toolkit's Markdown support);
  strings in code cells marked with ``_("…")`` (Babel's Python extractor); and the
  comments of code cells that nbgrader neither grades nor strips (code_comments.py);
* builds a translated notebook from an English one and locales/<lang>/LC_MESSAGES/<module>.po.
  Only text changes (Markdown, tr() strings, comments): nbgrader metadata, graded test
  cells and cell order are untouched;
* checks catalogs: GNU gettext's `msgfmt -c`, placeholders, links, inline code, numbers,
  Markdown structure, and, for a released language, completeness.

A language is released for a module when its module is listed in locales/<lang>/released;
`mld build` then builds <module>_<lang> as its own nbgrader assignment.

    python -m toolbox_widgets.course.catalogs check            # what CI checks
    python -m toolbox_widgets.course.catalogs draft fr core    # a preview in build/drafts/core_fr/
    python -m toolbox_widgets.course.catalogs pseudo           # locales/qps/: accented test locale
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import polib
from babel.messages.extract import extract as babel_extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from mistletoe import block_token
from translate.storage.markdown import MarkdownFile

from . import code_comments, code_text, layout

LOCALES = "locales"
PSEUDO = "qps"  # the pseudo-locale: every string wrapped in ⟦ ⟧ and accented
# Trainee-facing strings in notebooks' code cells are marked with tr("…"), which is
# toolbox_widgets.trainee.i18n._ under a name that a loop (`for _, row in …`) or IPython's
# last-output variable cannot rebind in the middle of a notebook.
MARKER = code_text.MARKER
CODE_STRING = "code: tr()"  # the translators' note on entries marked with tr()
WRAP = 79  # the width msgmerge and msginit use, so their output and ours agree


class CatalogError(Exception):
    """A catalog that cannot be used; the message names the file and the fix."""


# --- extraction ---------------------------------------------------------------------------

def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


# A cell that opens with a --- rule: translate-toolkit would take it for YAML front matter.
LEADING_RULE = re.compile(r"\A\s*---[^\n]*(\n|\Z)")


def _render(text: str, callback: Callable[[str], str]) -> tuple[list[str], str]:
    """Parse one Markdown cell: its translatable blocks, and the cell rendered with
    callback applied to each of them."""
    rule = LEADING_RULE.match(text)
    head = rule.group(0) if rule else ""
    store = MarkdownFile(io.BytesIO(text[len(head):].encode()), callback=callback,
                         extract_code_blocks=False)
    return [u.source for u in store.units if _has_words(u.source)], head + store.filesrc


def markdown_messages(text: str) -> list[str]:
    return _render(text, lambda s: s)[0]


def code_messages(source: str, where: str) -> list[str]:
    """Strings marked _("…") in a code cell, found by Babel's Python extractor."""
    return [message for _line, message in _code_strings(source, where)]


def _code_strings(source: str, where: str) -> list[tuple[int, str]]:
    """(line, message) of every tr() string of a code cell."""
    try:
        found = babel_extract("python", io.BytesIO(source.encode()), keywords={MARKER: None})
        return [(line, message) for line, message, _comments, _context in found
                if isinstance(message, str)]
    except SyntaxError as error:  # IPython magics and the like: say where
        raise CatalogError(f"{where}: cannot read the code cell for tr() strings ({error}). "
                           "Fix the cell's Python.") from error


def _code_entries(cell, where: str) -> list[tuple[str, str]]:
    """(message, note) of a code cell: its tr() strings in Babel's order, each comment put
    before the first string below it (an inline one after its line's strings), so that
    translators read them in the cell's order."""
    comments = code_comments.comments(cell.source) if code_comments.in_cell(cell) else []
    found = []
    for line, message in _code_strings(cell.source, where):
        while comments and (comments[0].rows[0], comments[0].inline) < (line, True):
            found.append((comments.pop(0).text, code_comments.COMMENT))
        found.append((message, CODE_STRING))
    return found + [(comment.text, code_comments.COMMENT) for comment in comments]


def ensure_cell_ids(path: Path) -> bool:
    """Give every cell of an authored notebook a stable id (nbformat 4.5); True if added."""
    notebook = nbformat.read(path, as_version=4)
    missing = [cell for cell in notebook.cells if not cell.get("id")]
    if not missing and notebook.nbformat_minor >= 5:
        return False
    notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
    for cell in missing:
        cell["id"] = uuid.uuid4().hex[:8]
    nbformat.write(notebook, path)
    return True


def _template(module: str) -> polib.POFile:
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = (f"The text of the course module {module}, from notebooks/{module}/.\n"
                  "Translators: see docs/translating.md.")
    pot.metadata = {
        "Project-Id-Version": f"Migration and Local Development, {module}",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return pot


def extract(folder: Path) -> polib.POFile:
    """The template (POT) of one module: every notebook of the folder, in order."""
    pot = _template(folder.name)
    entries: dict[str, polib.POEntry] = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            ensure_cell_ids(path)
            notebook = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as error:  # not JSON, or not a notebook
            raise CatalogError(
                f"notebooks/{folder.name}/{path.name} is not a readable notebook ({error}). "
                "Restore it, for example with `git checkout`.") from error
        for cell in notebook.cells:
            where = f"notebooks/{folder.name}/{path.name}, cell {cell.id}"
            if cell.cell_type == "markdown":
                found = [(message, "") for message in markdown_messages(cell.source)]
            elif cell.cell_type == "code":
                found = _code_entries(cell, where)
            else:
                continue
            for message, comment in found:
                entry = entries.get(message)
                if entry is None:
                    entry = entries[message] = polib.POEntry(msgid=message, msgstr="",
                                                             comment=comment)
                    pot.append(entry)
                elif comment and entry.comment and comment not in entry.comment.split("\n"):
                    # written both as a tr() string and as a comment: both notes, tr() first
                    entry.comment = "\n".join(sorted([entry.comment, comment], reverse=True))
                if comment == CODE_STRING and not entry.flags:
                    if FIELD.search(message):  # tr("… {n} …").format(n=…)
                        entry.flags.append("python-brace-format")
                    elif PERCENT.search(message):
                        entry.flags.append("python-format")
                occurrence = (f"{path.name}:{cell.id}", "")  # where: notebook and cell id
                if occurrence not in entry.occurrences:
                    entry.occurrences.append(occurrence)
    return pot


def template_path(root: Path, module: str) -> Path:
    return root / LOCALES / f"{module}.pot"


def catalog_path(root: Path, language: str, module: str) -> Path:
    return root / LOCALES / language / "LC_MESSAGES" / f"{module}.po"


def write_templates(root: Path, modules: list[str]) -> None:
    """Regenerate locales/<module>.pot for every module that has notebooks, and the
    package's template and compiled catalogs (see write_package_template)."""
    write_package_template(root)
    compile_package_catalogs(root)
    for module in modules:
        target = template_path(root, module)
        target.parent.mkdir(exist_ok=True)
        text = str(extract(root / "notebooks" / module)) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


# --- the package's own strings (toolbox_widgets/trainee/) ---------------------------------
# What the trainee's kernel says itself (feedback, status lines, Validate messages, "Chart in
# words", glossary search …), marked with _(), N_() (a constant translated where shown) and
# ngettext(singular, plural, n) in toolbox_widgets/trainee/. One template for all modules:
# locales/toolbox_widgets.pot; translations locales/<lang>/LC_MESSAGES/toolbox_widgets.po,
# compiled by `mld build` into the package (a hub image installs only the package).

PACKAGE = "toolbox_widgets"
SHARED_GLOSSARY = "glossary"  # glossary_catalog.MODULE (that module imports this one)
PACKAGE_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def package_source() -> Path:
    """The trainee side of the installed package: where its strings are extracted from."""
    return Path(__file__).resolve().parents[1] / "trainee"


def package_translation(root: Path, language: str | None, message: str) -> str:
    """One of the package's messages in a language, read from its catalog in root (the
    build's side: the kernel reads the compiled one); the English without a translation."""
    path = catalog_path(root, language, PACKAGE) if language else None
    if not path or not path.is_file():
        return message
    entry = _read(path).find(message)
    return entry.msgstr if entry and entry.translated() else message


def package_template_path(root: Path) -> Path:
    return root / LOCALES / f"{PACKAGE}.pot"


COMPILED = f"{PACKAGE}/trainee/locales"  # generated, committed, checked like source/


def compiled_folder(root: Path) -> Path:
    """Where the build writes the package's compiled catalogs (inside the package)."""
    return root / COMPILED


def _brace_format(message: str) -> bool:
    return "{" in message and message.count("{") == len(FIELD.findall(message))


def extract_package(source: Path | None = None) -> polib.POFile:
    """The template of the package's own strings, file by file in name order. Occurrences
    name the file only: a line moved in the code leaves the template as it is."""
    source = source or package_source()
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = ("The course package's own words (toolbox_widgets/trainee/): feedback, "
                  "status lines,\nValidate messages, charts and tables. Translators: see "
                  "docs/translating.md.")
    pot.metadata = {
        "Project-Id-Version": "Migration and Local Development, package",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    entries: dict[tuple[str, str], polib.POEntry] = {}
    for path in sorted(source.rglob("*.py")):
        name = path.relative_to(source.parents[1]).as_posix()
        with open(path, "rb") as file:
            found = list(babel_extract("python", file, keywords=PACKAGE_KEYWORDS,
                                       comment_tags=("TRANSLATORS:",)))
        for _line, message, comments, _context in found:
            singular, plural = message if isinstance(message, tuple) else (message, "")
            if not isinstance(singular, str) or not singular:
                continue  # _(variable): translated where it is defined
            entry = entries.get((singular, plural))
            if entry is None:
                entry = polib.POEntry(msgid=singular, msgid_plural=plural,
                                      comment="\n".join(comments))
                if plural:
                    entry.msgstr_plural = {0: "", 1: ""}
                if _brace_format(singular) and (not plural or _brace_format(plural)):
                    entry.flags.append("python-brace-format")
                entries[(singular, plural)] = entry
                pot.append(entry)
            if (name, "") not in entry.occurrences:
                entry.occurrences.append((name, ""))
    return pot


def write_package_template(root: Path) -> None:
    target = package_template_path(root)
    target.parent.mkdir(exist_ok=True)
    text = str(extract_package()) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def compile_package(po_path: Path, mo_path: Path) -> None:
    """One package catalog compiled for the kernel (Babel: no GNU gettext needed).
    Fuzzy entries are left out, so the kernel shows their English."""
    with open(po_path, "rb") as file:
        try:
            catalog = read_po(file, abort_invalid=True)
        except Exception as error:  # Babel's PoFileError, or a decoding error
            raise CatalogError(f"{po_path} cannot be read ({error}). Fix it, or start again "
                               "from the template with msginit (docs/translating.md).") from error
    # Babel stamps a missing date with the current minute, which the .mo header keeps:
    # a fixed one makes the same catalog compile to the same bytes at every build.
    header = po_path.read_text(encoding="utf-8", errors="replace")[:4000]
    for field, attribute in (("POT-Creation-Date", "creation_date"),
                             ("PO-Revision-Date", "revision_date")):
        if f'"{field}:' not in header:
            setattr(catalog, attribute, FIXED_DATE)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with open(mo_path, "wb") as out:
        write_mo(out, catalog, use_fuzzy=False)


def compile_package_catalogs(root: Path) -> None:
    """locales/<lang>/LC_MESSAGES/toolbox_widgets.po → the package's .mo files (the
    pseudo-locale excepted: tests make their own); a .mo whose catalog is gone is removed."""
    target = compiled_folder(root)
    wanted = set()
    releases = released(root)
    for po_path in sorted((root / LOCALES).glob("*/LC_MESSAGES/*.po")):
        language, module = po_path.parent.parent.name, po_path.stem
        # The package's catalog, and a released module's for the explanations that
        # graded cells keep in English (the kernel looks them up at run time).
        if language == PSEUDO or (module != PACKAGE
                                  and module not in releases.get(language, [])):
            continue
        mo_path = target / language / "LC_MESSAGES" / f"{module}.mo"
        compile_package(po_path, mo_path)
        wanted.add(mo_path)
    for stale in target.glob("*/LC_MESSAGES/*.mo") if target.is_dir() else []:
        if stale not in wanted:
            stale.unlink()


# --- which languages are released --------------------------------------------------------

def released(root: Path) -> dict[str, list[str]]:
    """{language: [module, …]} from locales/<lang>/released (one module a line, # comments)."""
    found = {}
    for listing in sorted((root / LOCALES).glob("*/released")):
        lines = (line.split("#")[0].strip() for line in listing.read_text().splitlines())
        modules = [line for line in lines if line]
        if modules:
            found[listing.parent.name] = modules
    return found


# --- checks ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\d+\}")
# A named field of a code string, {year} or {share:.1f}: kept as is by translators.
FIELD = re.compile(r"\{[A-Za-z_]\w*(?:[!:][^{}]*)?\}")
PERCENT = re.compile(r"%(?:\(\w+\))?[sdfr]")
LINK = re.compile(r"\]\{\d+\}")  # [text]{n}: a link whose target is placeholder n
# A web address: ASCII only, and a final . , ; : ! ? ' or * belongs to the sentence.
URL = re.compile(r"https?://[\w\-.~:/?#@!$&'*+,;=%]*[\w\-~/#=&%$+]", re.ASCII)
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# A number: digits with decimal or thousands separators (1,000 · 1 000 · 2.5 · 2,5).
NUMBER = re.compile(r"(?<![\d])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)"
                    r"|\d+(?:[.,]\d+)*")
BLOCK_START = re.compile(r"^\s*(#|>|[-+*]\s|\d+[.)]\s|\|)")
# Words that are English and neither French nor Spanish. A translation where they make up a
# good share of the words, outside quotes, titles, links and code, was left in English.
ENGLISH_WORDS = frozenset("""the and of to is for with your you this that are was were by from
    it its which who how what be have has in at an not their they will can should would more
    than into when where these those there been does do""".split())
# Quotes, titles in italics, Markdown links and HTML tags (addresses, code and fields are
# the URL, INLINE_CODE and FIELD marks above).
QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|\*[^*]+\*|\[[^\]]*\]\([^)]*\)|<[^>]+>")
ENGLISH_KEPT = "English kept"  # a translator's comment that says why the English stays


def _numbers(text: str) -> set[str]:
    """Numbers as their digits, so that 2.5 and 2,5 or 1,000 and 1 000 are the same."""
    text = PLACEHOLDER.sub(" ", URL.sub(" ", text))
    return {re.sub(r"\D", "", n).lstrip("0") or "0" for n in NUMBER.findall(text)}


def _sorted(pattern: re.Pattern, text: str) -> list[str]:
    return sorted(m.group(0) for m in pattern.finditer(text))


def check_entry(msgid: str, msgstr: str) -> list[str]:
    """What is wrong with one translation, in words; [] when nothing is."""
    problems = []
    if _sorted(PLACEHOLDER, msgid) != _sorted(PLACEHOLDER, msgstr):
        problems.append("the placeholders {1}, {2} … differ from the English "
                        f"({' '.join(_sorted(PLACEHOLDER, msgid)) or 'none'}): keep each once")
    if _sorted(LINK, msgid) != _sorted(LINK, msgstr) or _sorted(URL, msgid) != _sorted(
            URL, msgstr):
        problems.append("a link differs from the English: keep [text]{n} together and every "
                        "web address unchanged")
    if _sorted(FIELD, msgid) != _sorted(FIELD, msgstr):
        problems.append("a {name} field differs from the English: copy every {…} unchanged")
    if _sorted(INLINE_CODE, msgid) != _sorted(INLINE_CODE, msgstr):
        problems.append("the `inline code` differs from the English: copy it unchanged")
    if msgstr.count("\n") != msgid.count("\n") or (
            bool(BLOCK_START.match(msgstr)) and not BLOCK_START.match(msgid)):
        problems.append("the Markdown structure changed (a line break, or a heading, list, "
                        "quote or table mark at the start): keep it as in the English")
    if msgstr.count("**") % 2:
        problems.append("a ** bold mark is not closed")
    extra = sorted(_numbers(msgstr) - _numbers(msgid), key=lambda n: (len(n), n))
    if extra:
        problems.append(f"the number(s) {', '.join(extra)} are not in the English text")
    return problems


def reads_as_english(translation: str) -> bool:
    """At least three English-only words, and 15% of the words, outside quotes and code."""
    for mark in (URL, INLINE_CODE, FIELD, QUOTED):
        translation = mark.sub(" ", translation)
    words = re.findall(r"[A-Za-z]+", translation)
    english = sum(word.lower() in ENGLISH_WORDS for word in words)
    return english >= 3 and english >= 0.15 * len(words)


def msgfmt_check(path: Path, required: bool = True) -> list[str]:
    """GNU gettext's own checks of a PO file (format strings, header, syntax)."""
    if not shutil.which("msgfmt"):
        missing = (f"{path}: GNU gettext's msgfmt is missing; install the gettext package "
                   "(for example `apt-get install gettext`).")
        return [missing] if required else []
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)],
                            capture_output=True, text=True, check=False)
    return [] if result.returncode == 0 else [f"{path}: msgfmt -c: {result.stderr.strip()}"]


def _read(path: Path) -> polib.POFile:
    if not path.is_file():  # polib would read the path itself as a catalog
        raise CatalogError(f"{path} does not exist. Start it from the template with msginit "
                           "(docs/translating.md).")
    try:
        return polib.pofile(str(path), wrapwidth=WRAP)
    except (OSError, ValueError) as error:
        raise CatalogError(f"{path} cannot be read ({error}). Fix it, or start again from "
                           f"the template with msginit (docs/translating.md).") from error


def check_catalog(root: Path, language: str, module: str, release: bool,
                  need_msgfmt: bool = True) -> list[str]:
    """Every problem of one PO file; completeness too when the language is released.
    Without need_msgfmt, a machine without GNU gettext skips msgfmt (CI never does)."""
    path = catalog_path(root, language, module)
    name = path.relative_to(root)
    if not path.exists():
        return [(f"{name} is missing, but {module} is listed in {LOCALES}/{language}/released. "
                 "Create it with msginit (docs/translating.md) or remove the line.")]
    problems = msgfmt_check(path, required=need_msgfmt)
    try:
        po = _read(path)
    except CatalogError as error:
        return [*problems, str(error)]
    for entry in po.translated_entries():
        # A plural entry has one translation per plural form of the language, each
        # checked against the English plural (whose fields the singular shares).
        pairs = ([(entry.msgid_plural, form) for form in entry.msgstr_plural.values()]
                 if entry.msgid_plural else [(entry.msgid, entry.msgstr)])
        problems += [f"{name}: {problem}, in \"{entry.msgid[:60]}\""
                     for english, translation in pairs
                     for problem in check_entry(english, translation)]
    if release:
        wanted = {e.msgid for e in _read(template_path(root, module))}
        have = {e.msgid for e in po.translated_entries()}
        todo = [e for e in po if e.msgid in wanted and e.msgid not in have]
        for entry in todo:
            state = "fuzzy" if entry.fuzzy else "untranslated"
            problems.append(f"{name}: {state} entry \"{entry.msgid[:60]}\"")
        unknown = wanted - {e.msgid for e in po}
        if unknown:
            problems.append(f"{name}: {len(unknown)} entries of the template are missing; "
                            f"run msgmerge (docs/translating.md)")
        if po.obsolete_entries():
            problems.append(f"{name}: {len(po.obsolete_entries())} obsolete entries; "
                            "remove them (msgattrib --no-obsolete)")
        problems += [f"{name}: {p}" for p in _structure_problems(root, module, po)]
        problems += [(f"{name}: the translation reads as English, in \"{entry.msgid[:60]}\": "
                      f"translate it, or, where the English must stay (an official title), "
                      f"add the translator comment \"# {ENGLISH_KEPT}: <why>\"")
                     for entry in po.translated_entries()
                     if language != PSEUDO  # the test locale is English, accented
                     and reads_as_english(entry.msgstr) and ENGLISH_KEPT not in entry.tcomment]
    return problems


def stale_entries(root: Path, language: str, module: str) -> list[str]:
    """Entries the English no longer has, not yet marked obsolete: text a translator would
    keep updating for nothing, and a sign msgmerge was not run. Checked on the whole
    repository only (a scratch course built from some notebooks has a smaller template)."""
    path = catalog_path(root, language, module)
    try:
        po = _read(path)
    except CatalogError:
        return []  # check_catalog says why
    wanted = {e.msgid for e in _read(template_path(root, module))}
    stale = [e for e in po if not e.obsolete and e.msgid not in wanted]
    if not stale:
        return []
    return [(f"{path.relative_to(root)}: {len(stale)} entries are no longer in the template "
             f"(\"{stale[0].msgid[:60]}\" …); run msgmerge, then msgattrib --no-obsolete "
             "(docs/translating.md)")]


def check(root: Path) -> list[str]:
    """What CI checks: templates up to date, and every catalog sound."""
    problems = []
    modules = [p.name for p in sorted((root / "notebooks").iterdir())
               if p.is_dir() and any(p.glob("*.ipynb"))]
    with tempfile.TemporaryDirectory() as scratch:
        for module in modules:
            copy = Path(scratch) / "notebooks" / module
            shutil.copytree(root / "notebooks" / module, copy)
            fresh = str(extract(copy)) + "\n"
            committed = template_path(root, module)
            if not committed.exists() or committed.read_text(encoding="utf-8") != fresh:
                problems.append(f"{committed.relative_to(root)} is out of date: run `mld build`")
    committed = package_template_path(root)
    if (not committed.exists()
            or committed.read_text(encoding="utf-8") != str(extract_package()) + "\n"):
        problems.append(f"{committed.relative_to(root)} is out of date: run `mld build`")
    releases = released(root)
    for path in sorted((root / LOCALES).glob("*/LC_MESSAGES/*.po")):
        language, module = path.parent.parent.name, path.stem
        # A language released for any module needs the package's words and the glossary
        # complete too: its trainees read them in every notebook.
        shared = module in (PACKAGE, SHARED_GLOSSARY) and bool(releases.get(language))
        release = shared or module in releases.get(language, [])
        problems += check_catalog(root, language, module, release)
        if release and path.exists():
            problems += stale_entries(root, language, module)
    for language, listed in releases.items():
        problems += [f"{LOCALES}/{language}/released names {module}, which has no notebooks in "
                     f"notebooks/{module}/: correct the line" for module in listed
                     if module not in modules]
        problems += [p for module in listed if not catalog_path(root, language, module).exists()
                     for p in check_catalog(root, language, module, True)]
    return problems


# --- building a translated notebook ------------------------------------------------------

def translations(po: polib.POFile) -> dict[str, str]:
    """The usable translations: not fuzzy, not empty, not obsolete, and passing the checks."""
    return {e.msgid: e.msgstr for e in po.translated_entries()
            if not e.obsolete and not check_entry(e.msgid, e.msgstr)}


def translate_markdown(text: str, table: dict[str, str]) -> tuple[str, list[str]]:
    """A Markdown cell in the catalog's language, and the English blocks it lacks.
    A cell with nothing translated keeps its English text byte for byte."""
    missing: list[str] = []

    def lookup(message: str) -> str:
        if not _has_words(message):
            return message
        if message not in table:
            missing.append(message)
        return table.get(message, message)

    messages, rendered = _render(text, lookup)
    if not messages or len(missing) == len(messages):
        return text, missing
    return rendered.rstrip("\n") + text[len(text.rstrip("\n")):], missing  # same ending


def translate_notebook(notebook: nbformat.NotebookNode, table: dict[str, str],
                       language: str) -> list[str]:
    """Translate the notebook in place: Markdown cells, tr() strings of code cells and the
    setup cell's language (code_text.py); returns the English left untranslated. Graded test
    cells, metadata other than the language, and the cell order are never touched."""
    missing = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source, lacking = translate_markdown(cell.source, table)
            missing += lacking
    missing += code_text.translate_cells(notebook, table, language)  # tr() and the setup cell
    notebook.metadata["mld"] = {"language": language}  # which catalog made this notebook
    return missing


def _skeleton(text: str) -> list[str]:
    """The block structure of Markdown: heading levels, lists, quotes, tables and their
    cell counts, code blocks; no text."""
    shape = []

    def walk(token, depth):
        name = type(token).__name__
        if name in ("TableRow",):
            name += f"[{len(token.children)}]"
        if name in ("Heading", "SetextHeading"):
            name += str(token.level)
        shape.append(f"{depth}:{name}")
        for child in getattr(token, "children", None) or []:
            if isinstance(child, block_token.BlockToken):
                walk(child, depth + 1)

    walk(block_token.Document(text.splitlines(keepends=True)), 0)
    return shape


def _structure_problems(root: Path, module: str, po: polib.POFile) -> list[str]:
    """Every Markdown cell must keep the English block structure once translated."""
    table = translations(po)
    problems = []
    for path in sorted((root / "notebooks" / module).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                translated, _missing = translate_markdown(cell.source, table)
                if _skeleton(translated) != _skeleton(cell.source):
                    problems.append(f"the Markdown structure of {path.name}, cell {cell.id}, "
                                    "differs from the English")
    return problems


def translate_folder(folder: Path, root: Path, language: str, module: str,
                     release: bool) -> list[str]:
    """Translate every notebook of a built folder in place. A release build stops on any
    problem of the catalog; a draft keeps English where a translation is missing."""
    if release:
        problems = check_catalog(root, language, module, release=True, need_msgfmt=False)
        if problems:
            raise CatalogError(
                f"{module} cannot be released in {language}: "
                + "".join(f"\n  {p}" for p in problems[:20])
                + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else "")
                + f"\nFix the catalog, or take {module} out of {LOCALES}/{language}/released.")
    table = translations(_read(catalog_path(root, language, module)))
    missing = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        missing += translate_notebook(notebook, table, language)
        nbformat.write(notebook, path)
    return missing


# --- the pseudo-locale -------------------------------------------------------------------

_ACCENTS = str.maketrans("aeiouycnAEIOUYCN", "áéíóúýçñÁÉÍÓÚÝÇÑ")
_PROTECTED = re.compile(
    rf"{PLACEHOLDER.pattern}|{FIELD.pattern}|{INLINE_CODE.pattern}|{URL.pattern}")


def pseudo_translate(message: str) -> str:
    """⟦Áccéñtéd⟧ text: code, placeholders and web addresses stay as they are, and so do
    leading and trailing line breaks (msgfmt -c requires a translation to keep them)."""
    body = message.strip("\n")
    head = message[:len(message) - len(message.lstrip("\n"))]
    tail = message[len(message.rstrip("\n")):]
    parts, last = [], 0
    for match in _PROTECTED.finditer(body):
        parts += [body[last:match.start()].translate(_ACCENTS), match.group(0)]
        last = match.end()
    parts.append(body[last:].translate(_ACCENTS))
    return head + "⟦" + "".join(parts) + "⟧" + tail


def pseudo_catalog(template: polib.POFile) -> polib.POFile:
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = {**template.metadata, "Language": PSEUDO,
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for entry in template:
        if entry.msgid_plural:  # the package's ngettext entries
            po.append(polib.POEntry(
                msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                msgstr_plural={0: pseudo_translate(entry.msgid),
                               1: pseudo_translate(entry.msgid_plural)},
                occurrences=entry.occurrences, flags=list(entry.flags)))
            continue
        po.append(polib.POEntry(msgid=entry.msgid, msgstr=pseudo_translate(entry.msgid),
                                occurrences=entry.occurrences, flags=list(entry.flags)))
    return po


# --- command line ------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolbox_widgets.course.catalogs",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=".", help="the course folder (default: here)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check templates and catalogs, as CI does")
    draft = commands.add_parser("draft", help="build translated notebooks, English where a "
                                "translation is missing, into build/drafts/<module>_<lang>/")
    draft.add_argument("language")
    draft.add_argument("module")
    commands.add_parser("pseudo", help=f"write {LOCALES}/{PSEUDO}/, the accented test locale")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        if args.command == "check":
            problems = check(root)
            print("\n".join(problems) or "Templates and catalogs are in order.")
            return 1 if problems else 0
        if args.command == "pseudo":
            for pot in sorted((root / LOCALES).glob("*.pot")):
                target = catalog_path(root, PSEUDO, pot.stem)
                target.parent.mkdir(parents=True, exist_ok=True)
                pseudo_catalog(_read(pot)).save(str(target))
                print(f"Wrote {target.relative_to(root)}")
            return 0
        target = root / "build" / "drafts" / f"{args.module}_{args.language}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(root / "notebooks" / args.module, target,
                        ignore=layout.ignore_never_copied)
        missing = translate_folder(target, root, args.language, args.module, release=False)
        print(f"Wrote {target.relative_to(root)}/; {len(missing)} blocks are still in English.")
        return 0
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
