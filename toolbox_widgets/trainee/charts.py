"""Charts that every reader can use: an interactive plotly figure plus the same
information in words (the text alternative), shown right under the chart."""

from __future__ import annotations

import html
import json

import plotly.io as pio
from IPython.display import HTML, display

from .answers import nbgrader_mode
from .i18n import _
from .page_style import NO_MATHS

# "plotly_mimetype" draws the chart in JupyterLab and Notebook 7 from the figure's
# data alone: JupyterLab's plotly extension brings plotly.js, so it works offline
# and a run notebook stays small. nbgrader's feedback HTML is opened outside
# JupyterLab, so under autograde "notebook" also embeds plotly.js, once per notebook.
TRAINEE_RENDERERS = "plotly_mimetype"
FEEDBACK_RENDERERS = "plotly_mimetype+notebook"


def course_renderers() -> str:
    return FEEDBACK_RENDERERS if nbgrader_mode() == "autograde" else TRAINEE_RENDERERS


def use_course_renderers() -> None:
    # Only under autograde: plotly's renderers module imports nbformat, whose jsonschema
    # takes seconds to import, so a trainee's kernel never touches it (see show_chart).
    if nbgrader_mode() != "autograde":
        return
    # Setting the default again would embed plotly.js again: do it once per kernel.
    if pio.renderers.default != FEEDBACK_RENDERERS:
        pio.renderers.default = FEEDBACK_RENDERERS


def mime_bundle(figure) -> dict:
    """What plotly's "plotly_mimetype" renderer displays: the figure as JSON."""
    return {"application/vnd.plotly.v1+json": json.loads(pio.to_json(figure, validate=False))}


def words_html(alt_text: str) -> str:
    """The "Chart in words" paragraph; its dollar signs are never typeset as maths."""
    label = _("Chart in words:")
    return (f'<p class="chart-alt {NO_MATHS}"><strong>{html.escape(label)}</strong> '
            f"{html.escape(alt_text.strip())}</p>")


def show_chart(figure, alt_text: str) -> None:
    """Display a plotly figure followed by its text alternative."""
    if not alt_text or not alt_text.strip():
        raise ValueError("Every chart needs a text alternative: describe what it shows.")
    if nbgrader_mode() == "autograde":
        use_course_renderers()
        figure.show()
    else:
        display(mime_bundle(figure), raw=True)
    display(HTML(words_html(alt_text)))
