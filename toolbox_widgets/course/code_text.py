"""Code cells of a translated notebook: each tr("English") literal becomes tr("Français"),
so the code a data-curious trainee reads is in their language too; and the setup cell tells
the kernel its language, Workbook("…", language="fr").

Graded test cells (nbgrader `grade`) are never changed: their source, and so nbgrader's
checksum and the recorded keys, are the same in every language.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from . import code_comments

MARKER = "tr"
WIDTH = 72  # a translated literal is cut into lines of about this length
# The setup cell: Workbook("core_01_why_local") or Workbook("…", self_study=True).
WORKBOOK_CALL = re.compile(r"\bWorkbook\(\s*(['\"])[^'\"]+\1")


def _literals(source: str):
    """(start, end, text) of every tr("…") call whose argument is string literals only:
    start and end are the (row, col) of the first and last literal."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.NL, tokenize.COMMENT)]
    for i, token in enumerate(tokens[:-2]):
        if not (token.type == tokenize.NAME and token.string == MARKER
                and tokens[i + 1].string == "(") or (i and tokens[i - 1].string == "."):
            continue
        strings = []
        for following in tokens[i + 2:]:
            if following.type != tokenize.STRING:
                break
            strings.append(following)
        else:
            continue
        if not strings or following.string != ")":
            continue
        if any(re.match(r"[A-Za-z]*[fFbB]", s.string) for s in strings):
            continue  # f-strings and bytes are never extracted (Babel neither)
        text = "".join(ast.literal_eval(s.string) for s in strings)
        yield strings[0].start, strings[-1].end, text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _literal(text: str, column: int, lines: int) -> str:
    """The translation as Python string literals; cut into lines when the English was."""
    if lines == 1 and len(text) <= WIDTH:
        return _quote(text)
    pieces, line = [], ""
    for word in re.findall(r"\S*\s*", text):
        if line and len(line) + len(word) > WIDTH:
            pieces.append(line)
            line = ""
        line += word
    pieces.append(line)
    return ("\n" + " " * column).join(_quote(p) for p in pieces if p) or '""'


def translate_code(source: str, table: dict[str, str]) -> tuple[str, list[str]]:
    """The cell with every tr() literal translated, and the marked strings the table lacks
    (those stay in English)."""
    try:
        found = list(_literals(source))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return source, []  # not Python that tokenizes: leave it, extraction reports it
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    missing, pieces, last = [], [], 0
    for (row, col), (end_row, end_col), text in found:
        if text not in table:
            missing.append(text)
            continue
        start, end = offsets[row - 1] + col, offsets[end_row - 1] + end_col
        pieces += [source[last:start], _literal(table[text], col, end_row - row + 1)]
        last = end
    pieces.append(source[last:])
    return "".join(pieces), missing


def set_language(source: str, language: str) -> str:
    """Workbook("name") -> Workbook("name", language="fr") in a setup cell."""
    return WORKBOOK_CALL.sub(lambda m: f'{m.group(0)}, language="{language}"', source, count=1)


def is_graded_test(cell) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("grade"))


def translate_cells(notebook, table: dict[str, str], language: str) -> list[str]:
    """Translate the code cells of a notebook in place (never a graded test cell): tr()
    strings, comments (code_comments.py) and the setup cell's language; returns the marked
    strings and comments left in English."""
    missing = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or is_graded_test(cell):
            continue
        cell.source, lacking = translate_code(cell.source, table)
        missing += lacking
        if code_comments.in_cell(cell):  # never a grade cell; never inside a solution
            cell.source, lacking = code_comments.translate_comments(cell.source, table)
            missing += lacking
        if WORKBOOK_CALL.search(cell.source) and "language=" not in cell.source:
            cell.source = set_language(cell.source, language)
    return missing
