"""Charts that every reader can use: an interactive plotly figure plus the same
information in words (the text alternative), shown right under the chart."""

from __future__ import annotations

import html

import plotly.io as pio
from IPython.display import HTML, display

# "plotly_mimetype" draws the chart in JupyterLab and Notebook 7; "notebook"
# embeds plotly.js in the output, so nbgrader's feedback HTML (opened offline)
# and nbconvert's HTML show the same chart.
RENDERERS = "plotly_mimetype+notebook"


def use_course_renderers() -> None:
    # Setting the default again would embed plotly.js again: do it once per kernel.
    if pio.renderers.default != RENDERERS:
        pio.renderers.default = RENDERERS


def show_chart(figure, alt_text: str) -> None:
    """Display a plotly figure followed by its text alternative."""
    if not alt_text or not alt_text.strip():
        raise ValueError("Every chart needs a text alternative: describe what it shows.")
    use_course_renderers()
    figure.show()
    display(HTML(
        '<p class="chart-alt"><strong>Chart in words:</strong> '
        f"{html.escape(alt_text.strip())}</p>"))
