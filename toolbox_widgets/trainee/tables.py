"""Tables for trainees: readable headings, no row numbers, thousands separators."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, display

from .numbers import show
from .page_style import NO_MATHS


def table_html(frame, headings: dict[str, str], *, decimals: int = 1, caption: str = "") -> str:
    """The columns named in headings, in that order, under those headings.

    Numbers are written as the trainee's language writes them (1,000.5 / 1 000,5).
    Plain HTML, written here rather than by pandas' Styler: the Styler's first table costs
    a trainee's kernel 0.2-0.3 s (jinja2 and its templates) for the same table. As with
    the Styler, cell text is not escaped."""
    cells = []
    for column in headings:
        values = frame[column]
        if "year" in str(column).lower():  # years are labels, not quantities: 2024, never 2,024
            cells.append(([str(v) for v in values], ""))
        elif _is_number(values):
            shown = _number(0 if values.dtype.kind in "iu" or str(values.dtype) == "Int64"
                            else decimals)
            cells.append((["–" if pd.isna(v) else shown(v) for v in values], ""))
        else:  # words read from the left; JupyterLab right-aligns every cell
            cells.append(([str(v) for v in values],
                          ' style="text-align: left; vertical-align: top;"'))
    head = "".join(f"<th>{heading}</th>" for heading in headings.values())
    rows = "".join("<tr>" + "".join(f"<td{style}>{texts[row]}</td>" for texts, style in cells)
                   + "</tr>\n" for row in range(len(frame)))
    title = f"<caption>{caption}</caption>" if caption else ""
    return (f'<table class="course-table {NO_MATHS}">{title}\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{rows}</tbody>\n</table>")


def _is_number(column) -> bool:
    return column.dtype.kind in "iuf" or str(column.dtype) in ("Int64", "Float64")


def _number(decimals: int):
    def shown(value) -> str:
        return show(value, decimals=decimals)
    return shown


def show_table(frame, headings: dict[str, str], *, decimals: int = 1, caption: str = "") -> None:
    """Show a DataFrame to trainees, e.g. show_table(df, {"migrants": "Migrants"})."""
    display(HTML(table_html(frame, headings, decimals=decimals, caption=caption)))
