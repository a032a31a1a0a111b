"""The glossary in every language, from one English file and gettext catalogs.

The English glossary (toolbox_widgets/trainee/glossary/en.json) is the only one authors
edit. Its words go to locales/glossary.pot, one entry per term name, theme, definition and
source (the context says which); translators fill locales/<lang>/LC_MESSAGES/glossary.po.
For a language that releases Core, the build writes toolbox_widgets/trainee/glossary/<lang>.json
with the same terms in the same order. A term's name is one entry, so a related term always
reads as the name of the entry it points to.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib

from . import catalogs

ENGLISH = Path(__file__).resolve().parents[1] / "trainee" / "glossary" / "en.json"
IN_COURSE = Path("toolbox_widgets", "trainee", "glossary")  # the same folder, from the root
MODULE = "glossary"  # the catalog's name: locales/glossary.pot, …/LC_MESSAGES/glossary.po
RELEASED_WITH = "core"  # a language that releases Core releases the glossary too
FIELDS = ("term", "theme", "definition", "source")


def _english() -> dict:
    return json.loads(ENGLISH.read_text(encoding="utf-8"))


def template() -> polib.POFile:
    """locales/glossary.pot: every translatable string of the English glossary, once."""
    glossary = _english()
    pot = polib.POFile(wrapwidth=catalogs.WRAP)
    pot.metadata = {"Project-Id-Version": "Migration and Local Development: glossary",
                    "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding": "8bit"}
    seen: dict[tuple[str, str], polib.POEntry] = {}

    def add(context: str, text: str, where: str) -> None:
        if (context, text) in seen:
            return
        seen[context, text] = entry = polib.POEntry(
            msgctxt=context, msgid=text, msgstr="", occurrences=[("glossary/en.json", where)])
        pot.append(entry)

    add("title", glossary["title"], "title")
    add("note", glossary["note"], "note")
    for number, term in enumerate(glossary["terms"]):  # names first, as a translator
        add("term", term["term"], f"terms[{number}]")  # meets them in the search box
    for number, term in enumerate(glossary["terms"]):
        for field in ("theme", "definition"):
            add(field, term[field], f"terms[{number}]")
        for related in term.get("related", []):
            add("term", related, f"terms[{number}].related")
        add("source", term["source"], f"terms[{number}]")
    return pot


def template_text() -> str:
    return str(template()) + "\n"


def write_template(root: Path) -> None:
    target = catalogs.template_path(root, MODULE)
    target.parent.mkdir(exist_ok=True)
    text = template_text()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def languages(root: Path) -> list[str]:
    """The languages whose glossary is released (those that release Core)."""
    return sorted(language for language, modules in catalogs.released(root).items()
                  if RELEASED_WITH in modules)


def translated(root: Path, language: str) -> dict:
    """The glossary in one language. Raises CatalogError, naming the file and the entry,
    when an entry is missing, fuzzy or fails the catalog checks."""
    path = catalogs.catalog_path(root, language, MODULE)
    problems = catalogs.check_catalog(root, language, MODULE, release=True)
    if problems:
        raise catalogs.CatalogError("\n".join(problems))
    po = polib.pofile(str(path))
    table = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
    glossary = _english()
    result = {"language": language, "title": table["title", glossary["title"]],
              "note": table["note", glossary["note"]], "terms": []}
    for term in glossary["terms"]:
        # "key" keeps the English name, so code can name a term in any language.
        entry = {"key": term["term"], **{field: table[field, term[field]] for field in FIELDS}}
        entry["related"] = [table["term", name] for name in term.get("related", [])]
        result["terms"].append(entry)
    return result


def json_path(root: Path, language: str) -> Path:
    """Where a language's glossary goes: inside the package, because a hub image
    installs only the package."""
    return root / IN_COURSE / f"{language}.json"


def json_text(root: Path, language: str) -> str:
    return json.dumps(translated(root, language), ensure_ascii=False, indent=1) + "\n"


def write_languages(root: Path) -> list[Path]:
    """Write <lang>.json for every released language into root's copy of the package
    (none in a scratch course); returns the files written."""
    written = []
    if not (root / IN_COURSE / "en.json").is_file():
        return written
    for language in languages(root):
        target = json_path(root, language)
        text = json_text(root, language)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def stale(root: Path) -> list[str]:
    """What `mld build --check` reports: an out-of-date template or language file."""
    problems = []
    pot = catalogs.template_path(root, MODULE)
    if not pot.exists() or pot.read_text(encoding="utf-8") != template_text():
        problems.append(f"{pot.relative_to(root)} is out of date: run `mld build`")
    for language in languages(root):
        target = json_path(root, language)
        try:
            fresh = json_text(root, language)
        except catalogs.CatalogError as error:
            problems.append(str(error))
            continue
        if not target.exists() or target.read_text(encoding="utf-8") != fresh:
            problems.append(f"{target.name} of the glossary is out of date: run `mld build`")
    return problems
