"""Charts that every reader can use: an interactive plotly figure plus the same
information in words (the text alternative), shown right under the chart."""

from __future__ import annotations

import functools
import html
import json
import textwrap
from pathlib import Path

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


# plotly's default template styles all of its ~25 trace types and 3-D, map and ternary
# axes: half of a figure's JSON in the saved notebook. The course's template is the same
# look, kept to what the course draws (2-D axes, polar; bars, lines, markers, heat maps).
# It ships as data (chart_template.json): building a plotly Template object in every
# kernel (deriving, validating, importing plotly's layout classes) took ~0.1 s. Kernels
# set plotly's default template to "none" and show_chart puts this dict in the figure's
# JSON: plotly.js applies templates in the browser, so the chart looks the same.
TEMPLATE_FILE = Path(__file__).with_name("chart_template.json")
_TRACE_TYPES = ("bar", "scatter", "heatmap", "barpolar", "scatterpolar", "waterfall")
_UNUSED_AXES = ("geo", "scene", "ternary")


def derive_course_template() -> dict:
    """The course's template, derived from the installed plotly's "plotly" template."""
    full = pio.templates["plotly"]
    layout = {k: v for k, v in full.layout.to_plotly_json().items() if k not in _UNUSED_AXES}
    data = {k: v for k, v in full.data.to_plotly_json().items() if k in _TRACE_TYPES}
    return json.loads(pio.json.to_json_plotly({"layout": layout, "data": data}))


@functools.cache
def course_template() -> dict:
    return json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))


def course_renderers() -> str:
    return FEEDBACK_RENDERERS if nbgrader_mode() == "autograde" else TRAINEE_RENDERERS


def use_course_renderers() -> None:
    # Figures are built with no template: the course's one is added as JSON (show_chart).
    pio.templates.default = "none"
    # Only under autograde: plotly's renderers module imports nbformat, whose jsonschema
    # takes seconds to import, so a trainee's kernel never touches it (see show_chart).
    if nbgrader_mode() != "autograde":
        return
    # Setting the default again would embed plotly.js again: do it once per kernel.
    if pio.renderers.default != FEEDBACK_RENDERERS:
        pio.renderers.default = FEEDBACK_RENDERERS


def figure_json(figure) -> dict:
    """The figure as plotly.js reads it, with the course's template unless it has its own."""
    spec = json.loads(pio.to_json(figure, validate=False))
    layout = spec.setdefault("layout", {})
    if _blank(layout.get("template") or {}):
        layout["template"] = course_template()
    _wrap_axis_titles(layout)
    return spec


# A vertical axis title longer than the plot is tall is cut (notebook 03 in Spanish):
# long ones go on two or more lines, in every language.
AXIS_TITLE_WIDTH = {"yaxis": 40, "xaxis": 90}  # characters per line


def _wrap_axis_titles(layout: dict) -> None:
    for key, axis in layout.items():
        width = AXIS_TITLE_WIDTH.get(key.rstrip("0123456789"))
        title = axis.get("title") if width and isinstance(axis, dict) else None
        text = title.get("text") if isinstance(title, dict) else None
        if isinstance(text, str) and len(text) > width and "<br>" not in text:
            title["text"] = "<br>".join(textwrap.wrap(text, width))


def _blank(template: dict) -> bool:
    """A template that styles nothing, as the "none" default leaves in a figure."""
    return not template.get("layout") and all(
        set(trace) <= {"type"} for traces in template.get("data", {}).values() for trace in traces)


def mime_bundle(figure) -> dict:
    """What plotly's "plotly_mimetype" renderer displays: the figure as JSON."""
    return {"application/vnd.plotly.v1+json": figure_json(figure)}


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
        pio.show(figure_json(figure), validate=False)
    else:
        display(mime_bundle(figure), raw=True)
    display(HTML(words_html(alt_text)))


if __name__ == "__main__":  # python -m toolbox_widgets.trainee.charts: after a plotly upgrade
    TEMPLATE_FILE.write_text(json.dumps(derive_course_template(), indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    print(f"Wrote {TEMPLATE_FILE.name} from plotly's default template.")
