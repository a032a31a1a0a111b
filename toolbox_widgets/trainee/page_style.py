"""Styles the course puts on the trainee's page from inside the kernel.

* :data:`NO_MATHS` goes on every HTML element that code shows to trainees and that may
  hold a `$`: JupyterLab would otherwise typeset the text between two dollars as maths
  (see toolbox_widgets/course/page_text.py for the whole rule and its build check).
* :func:`show_page_style` replaces "model not found" on reopened notebooks.
"""

from __future__ import annotations

from .i18n import N_, _

NO_MATHS = "mathjax_ignore tex2jax_ignore"


# After a notebook is reopened, its saved widget outputs point to widgets of a kernel
# that is gone, and JupyterLab writes "Error displaying widget: model not found" in
# place of each. Such an output is a widget node with text but no element inside; this
# rule shows a plain instruction there instead. It travels as a small HTML output of
# the setup cell, which JupyterLab applies in every notebook the trainee saved (trusted).
RUN_AGAIN = N_("Run this cell to show the exercise.")


def page_style() -> str:
    """The style, its sentence in the trainee's language (a CSS string: quotes escaped)."""
    words = _(RUN_AGAIN).replace("\\", "").replace('"', '\\"')
    return (
        "<style>"
        # visibility keeps the error text from screen readers too; ::before stays visible.
        ".jp-OutputArea-output.jupyter-widgets:not(:has(*)){font-size:0;visibility:hidden}"
        ".jp-OutputArea-output.jupyter-widgets:not(:has(*))::before{"
        f'content:"{words}";font-size:var(--jp-content-font-size1,14px);'
        "color:var(--jp-content-font-color1);visibility:visible}"
        "</style>")


PAGE_STYLE = page_style()  # in English, as the module is imported


def show_page_style() -> None:
    from IPython.display import HTML, display
    display(HTML(page_style()))
