"""Dollar signs that stay dollar signs on the trainee's page.

JupyterLab 4 typesets anything between two `$` as maths (MathJax 3), in Markdown
cells and in text/html or text/markdown outputs alike, so "US$ 111.2 billion;
Mexico US$ 61.1" turns into italic letters. What was seen in a real JupyterLab 4
page (tests/test_page_browser.py keeps checking it):

* Markdown cells: `\\$` fails when two of them share a paragraph (JupyterLab's
  Markdown step turns it back into a bare `$` before MathJax runs). `\\\\$` (two
  backslashes) shows one `$`, and so does `<span>\\$</span>`. HTML entities fail.
* HTML made by code: the class ``mathjax_ignore`` (MathJax 3, JupyterLab) and
  ``tex2jax_ignore`` (MathJax 2, nbconvert's HTML and nbgrader's feedback) keep
  an element's text as it is.

So Markdown cells write a literal dollar as `\\\\$`, code wraps its HTML in
:data:`NO_MATHS`, and :func:`maths_problems` finds text that would be typeset.
A cell that is meant to show maths carries the cell tag ``maths``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..trainee.page_style import NO_MATHS  # noqa: F401  (the rule's other half)


MATHS_TAG = "maths"
LITERAL_DOLLAR = "\\\\$"  # what an author types in Markdown for one visible "$"

_CODE = re.compile(r"```.*?```|~~~.*?~~~|(`+)(?:.+?)\1", re.DOTALL)
_BLOCKS = re.compile(r"\n\s*\n")


def typeset_dollars(markdown: str) -> list[str]:
    """The paragraphs of a Markdown text that JupyterLab would typeset as maths:
    two or more `$` that are not written `\\\\$`, outside code."""
    text = _CODE.sub(" ", markdown)
    found = []
    for block in _BLOCKS.split(text):
        bare = block.replace(LITERAL_DOLLAR, "")
        if bare.count("$") >= 2:
            found.append(" ".join(block.split())[:90])
    return found


def maths_problems(notebook_path, name=None) -> list[str]:
    """One plain sentence per Markdown cell of a notebook that would show maths by
    accident, naming the file, the cell and the fix."""
    import nbformat  # here, not at the top: the kernel imports this module, and
    # nbformat's jsonschema costs seconds of every trainee's Run All
    name = name or notebook_path
    try:
        notebook = nbformat.read(notebook_path, as_version=4)
    except Exception as error:  # a broken file is reported, not raised
        return [f"{name}: could not be read ({error}). Fix or restore the file."]
    problems = []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type != "markdown" or MATHS_TAG in cell.metadata.get("tags", []):
            continue
        for paragraph in typeset_dollars(cell.source):
            problems.append(
                f"{name}, cell {number}: JupyterLab would show this as maths: "
                f"“{paragraph}”. Write each dollar sign as {LITERAL_DOLLAR}, or give the cell "
                f"the tag “{MATHS_TAG}” if the maths is intended.")
    return problems


def course_maths_problems(root) -> list[str]:
    """maths_problems for every authored notebook of a course folder."""
    notebooks = Path(root) / "notebooks"
    return [problem for path in sorted(notebooks.rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in path.parts
            for problem in maths_problems(path, name=path.relative_to(root))]
