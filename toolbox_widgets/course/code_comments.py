"""Comments in code cells, in the trainee's language.

Each notebook tells trainees that the lines beginning with # explain what the code does, and
a folded code cell shows its first line as its summary: so comments are trainee text. They
are extracted into the module's catalog (entries marked "code comment") and written back in
a translated build:

* a run of full-line comments at the same column, with the same mark (`# `), is one
  message, its lines joined into one paragraph so that translators see whole sentences; an
  indented line (`#   World Bank, …`, a list under a heading line) is a message of its own;
  the translation is re-wrapped at word boundaries to the project's line length (100);
* a trailing comment, `x = 1  # why`, is one message; its translation stays on the line if
  it fits, else goes on its own line(s) above the statement, at the statement's indentation.

Comments are found with Python's tokenize (COMMENT tokens), so a # inside a string is never
one. Left out, and never changed: pragmas (`# noqa`, `# type: …`, shebang, coding lines,
nbgrader's `### BEGIN SOLUTION` marks), comments without words, and commented-out code
(text that parses as Python and calls, indexes, assigns or imports, e.g. `# df.head()`,
`# x = 1`): code for the curious, not prose, the same in every language. Cells that
nbgrader grades (grade cells) are never touched: their source stays byte-identical in every
language. In an answer cell (solution), the instructor's solution between `### BEGIN
SOLUTION` and `### END SOLUTION` is left alone (nbgrader replaces it with the stub); the
lines around it, which the trainee sees (`x = None  # replace None with your code`), are
translated. Read-only (locked) cells are translated like their tr()
strings: nbgrader stores each assignment's own checksum of them at release.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

WIDTH = 100  # the project's line length (ruff)
MARK = re.compile(r"#+[ \t]*")  # "# ", "## ", "#   " (an indented line of a list)
SPACES = re.compile(r"[ \t\r\n]+")  # ASCII only: a no-break space (1 000, 5 %) stays
LIST_LINE = re.compile(r"#+[ \t]{2,}")  # "#   World Bank, …": one message a line, as written
# Directives for tools, not prose: at the start of a comment (a noqa anywhere in it).
PRAGMA = re.compile(r"^#!|^#.*\bcoding[:=]|#\s*noqa\b|^#\s*(type|pragma|fmt|pylint|isort|ruff|"
                    r"mypy|pyright|nbqa)\b\s*:|^#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)|"
                    r"^#\s*YOUR CODE HERE", re.IGNORECASE)


@dataclass
class Comment:
    """One message: rows (1-based) of the source it covers, where it starts, its mark."""

    rows: list[int]
    column: int
    mark: str
    text: str
    inline: bool
    statement_row: int = 0  # an inline comment: first row of its logical line


def _is_code(text: str) -> bool:
    """Commented-out code: text that parses as Python and does something (a call, an
    attribute, an index, an assignment, a statement); `M&E` or `million` is prose."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, (ast.Call, ast.Attribute, ast.Subscript))
               or (isinstance(node, ast.stmt) and not isinstance(node, ast.Expr))
               for node in ast.walk(tree))


COMMENT = "code comment"  # the translators' note (#.) on entries that come from comments


def in_cell(cell) -> bool:
    """A code cell whose comments are translated: not one nbgrader grades (grade), whose
    source stays byte-identical in every language."""
    return cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade")


REGION = re.compile(r"^#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\b", re.IGNORECASE)


def translatable(token: str) -> bool:
    mark = MARK.match(token).group(0)
    text = token[len(mark):].strip()
    return (any(ch.isalpha() for ch in text) and not PRAGMA.search(token)
            and not _is_code(text))


def comments(source: str) -> list[Comment]:
    """The translatable comments of a code cell, in order; [] when it does not tokenize
    (IPython magics and the like: the tr() extraction reports such a cell)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return []
    lines = io.StringIO(source).readlines()  # rows as tokenize counts them
    found: list[Comment] = []
    statement = None  # the first row of the logical line being read
    hidden = False  # inside a solution or hidden-tests region: nbgrader's, never translated
    for token in tokens:
        if token.type == tokenize.COMMENT and REGION.match(token.string):
            hidden = REGION.match(token.string).group(1).upper() == "BEGIN"
        elif hidden and token.type == tokenize.COMMENT:
            continue
        if token.type == tokenize.NEWLINE:
            statement = None
        elif token.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            pass
        elif token.type != tokenize.COMMENT:
            statement = statement or token.start[0]
        elif not translatable(token.string):
            found.append(Comment([token.start[0]], token.start[1], "", "", False))  # ends a run
        else:
            row, column = token.start
            mark = MARK.match(token.string).group(0)
            text = token.string[len(mark):].strip()
            inline = bool(lines[row - 1][:column].strip())
            previous = found[-1] if found else None
            if (not inline and previous and previous.text and not previous.inline
                    and previous.rows[-1] == row - 1 and previous.column == column
                    and previous.mark == mark and not LIST_LINE.match(mark)):
                previous.rows.append(row)
                previous.text += " " + text
            else:
                found.append(Comment([row], column, mark, text, inline,
                                     (statement or row) if inline else row))
    return [c for c in found if c.text]


def messages(source: str) -> list[str]:
    return [comment.text for comment in comments(source)]


def _wrapped(text: str, indent: str, mark: str) -> list[str]:
    """The comment's lines: indent, mark, and words up to the line length."""
    mark = mark if mark.endswith((" ", "\t")) else mark + " "
    width = max(WIDTH - len(indent) - len(mark), 20)
    pieces = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [indent + mark + piece for piece in pieces or [""]]


def translate_comments(source: str, table: dict[str, str]) -> tuple[str, list[str]]:
    """The cell with every comment the table translates written back, and the comments it
    lacks (those stay in English, byte for byte)."""
    found = comments(source)
    if not found:
        return source, []
    lines = io.StringIO(source).readlines()  # rows as tokenize counts them
    above: dict[int, list[str]] = {}  # row -> comment lines to put before it
    missing = []
    for comment in found:
        if comment.text not in table:
            missing.append(comment.text)
            continue
        translation = SPACES.sub(" ", table[comment.text]).strip()  # keeps no-break spaces
        first = comment.rows[0]
        line = lines[first - 1]
        ending = line[len(line.rstrip("\r\n")):]
        if not comment.inline:
            wrapped = _wrapped(translation, line[:comment.column], comment.mark)
            lines[first - 1] = "".join(w + "\n" for w in wrapped[:-1]) + wrapped[-1] + ending
            for row in comment.rows[1:]:
                lines[row - 1] = ""
            continue
        mark = comment.mark if comment.mark.endswith((" ", "\t")) else comment.mark + " "
        kept = line[:comment.column] + mark + translation
        if len(kept) <= WIDTH:
            lines[first - 1] = kept + ending
            continue
        # Too long for the line: above the statement, at its indentation.
        lines[first - 1] = line[:comment.column].rstrip() + ending
        statement = lines[comment.statement_row - 1]
        indent = statement[:len(statement) - len(statement.lstrip())]
        above.setdefault(comment.statement_row, []).extend(
            w + "\n" for w in _wrapped(translation, indent, mark))
    for row in sorted(above, reverse=True):
        lines.insert(row - 1, "".join(above[row]))
    return "".join(lines), missing
