"""Tables for trainees: readable headings, no row numbers, thousands separators."""

from __future__ import annotations

from IPython.display import HTML, display

from .numbers import show
from .page_style import NO_MATHS


def table_html(frame, headings: dict[str, str], *, decimals: int = 1, caption: str = "") -> str:
    """The columns named in headings, in that order, under those headings.

    Numbers are written as the trainee's language writes them (1,000.5 / 1 000,5)."""
    table = frame[list(headings)].rename(columns=headings)
    # Years are labels, not quantities: 2024, never 2,024.
    years = [headings[c] for c in headings if "year" in str(c).lower()]
    styler = (table.style.hide(axis="index")
              .format({headings[c]: _number(0 if frame[c].dtype.kind in "iu"
                                            or str(frame[c].dtype) == "Int64" else decimals)
                       for c in headings if _is_number(frame[c])}, na_rep="–")
              .format(str, subset=years)
              # Words read from the left; JupyterLab right-aligns every cell.
              .set_properties(subset=[headings[c] for c in headings
                                      if frame[c].dtype == object],
                              **{"text-align": "left", "vertical-align": "top"})
              .set_table_attributes(f'class="course-table {NO_MATHS}"'))
    if caption:
        styler = styler.set_caption(caption)
    return styler.to_html()


def _is_number(column) -> bool:
    return column.dtype.kind in "iuf" or str(column.dtype) in ("Int64", "Float64")


def _number(decimals: int):
    def shown(value) -> str:
        return show(value, decimals=decimals)
    return shown


def show_table(frame, headings: dict[str, str], *, decimals: int = 1, caption: str = "") -> None:
    """Show a DataFrame to trainees, e.g. show_table(df, {"migrants": "Migrants"})."""
    display(HTML(table_html(frame, headings, decimals=decimals, caption=caption)))
