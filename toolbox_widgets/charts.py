"""Charts that every reader can use: an interactive plotly figure plus the same
information in words (the text alternative), shown right under the chart."""

from __future__ import annotations

import html

import plotly.io as pio
from IPython.display import HTML, display

from .answers import nbgrader_mode
from .page_text import NO_MATHS

# "plotly_mimetype" draws the chart in JupyterLab and Notebook 7 from the figure's
# data alone: JupyterLab's plotly extension brings plotly.js, so it works offline
# and a run notebook stays small. nbgrader's feedback HTML is opened outside
# JupyterLab, so under autograde "notebook" also embeds plotly.js, once per notebook.
TRAINEE_RENDERERS = "plotly_mimetype"
FEEDBACK_RENDERERS = "plotly_mimetype+notebook"


def course_renderers() -> str:
    return FEEDBACK_RENDERERS if nbgrader_mode() == "autograde" else TRAINEE_RENDERERS


def use_course_renderers() -> None:
    # Setting the default again would embed plotly.js again: do it once per kernel.
    wanted = course_renderers()
    if pio.renderers.default != wanted:
        pio.renderers.default = wanted


def words_html(alt_text: str) -> str:
    """The "Chart in words" paragraph; its dollar signs are never typeset as maths."""
    return (f'<p class="chart-alt {NO_MATHS}"><strong>Chart in words:</strong> '
            f"{html.escape(alt_text.strip())}</p>")


def show_chart(figure, alt_text: str) -> None:
    """Display a plotly figure followed by its text alternative."""
    if not alt_text or not alt_text.strip():
        raise ValueError("Every chart needs a text alternative: describe what it shows.")
    use_course_renderers()
    figure.show()
    display(HTML(words_html(alt_text)))
