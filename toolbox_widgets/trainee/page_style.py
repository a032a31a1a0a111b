"""Styles for the trainee's page.

* :data:`NO_MATHS` goes on every HTML element that code shows to trainees and that may
  hold a `$`: JupyterLab would otherwise typeset the text between two dollars as maths
  (see toolbox_widgets/course/page_text.py for the whole rule and its build check).
* :data:`REOPENED_RULES` replaces "model not found" on reopened notebooks. It is not a
  notebook output (JupyterLab drops a <style> output in a notebook it does not trust, such
  as one received from someone else): the trainee's JupyterLab loads it as its custom CSS,
  ``toolbox_widgets/course/trainee_lab/custom/custom.css`` (see course/trainee_setup.py).
"""

from __future__ import annotations

from .i18n import N_

NO_MATHS = "mathjax_ignore tex2jax_ignore"


# After a notebook is reopened, its saved widget outputs point to widgets of a kernel
# that is gone, and JupyterLab writes "Error displaying widget: model not found" in
# place of each. Such an output is a widget node with text but no element inside; this
# rule shows a plain instruction there instead.
RUN_AGAIN = N_("Run this cell to show the exercise.")  # translated where shown

# nbgrader's code stub: what an answer cell holds in the student version where the
# instructor's solution was. One stub serves both kinds of answer cell, so it names both.
# nbgrader_config.py writes it as a comment; the build passes each language's translation.
ANSWER_STUB = N_("YOUR ANSWER: for an exercise, use its controls (or the one line of Python "
                 "it shows); for a pandas task, write your code here.")


def css_text(text: str) -> str:
    """text as a CSS string: quotes, backslashes and every non-ASCII letter escaped
    (six hex digits need no terminator), so the file reads the same in any encoding."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\{ord(c):06x}"
                         for c in text) + '"'


def reopened_rules(text: str = RUN_AGAIN) -> str:
    """The custom CSS that shows text (RUN_AGAIN in the launch's language) in place of
    "model not found"."""
    return (
        # visibility keeps the error text from screen readers too; ::before stays visible.
        ".jp-OutputArea-output.jupyter-widgets:not(:has(*)){font-size:0;visibility:hidden}\n"
        ".jp-OutputArea-output.jupyter-widgets:not(:has(*))::before{"
        f"content:{css_text(text)};font-size:var(--jp-content-font-size1,14px);"
        "color:var(--jp-content-font-color1);visibility:visible}\n")


def reopened_rule_for(language: str, text: str) -> str:
    """The same line in another language, for a JupyterLab whose interface speaks it
    (JupyterLab sets <html lang> to its interface language): a hub serves one custom CSS
    to trainees of every language."""
    return (f"html:lang({language}) .jp-OutputArea-output.jupyter-widgets:not(:has(*))::before"
            f"{{content:{css_text(text)}}}\n")


REOPENED_RULES = reopened_rules()
