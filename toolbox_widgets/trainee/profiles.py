"""The migration profile builder: a one-page profile of a country (from the course's
data tables) or of a municipality (from its own table, in the course's template).

    from toolbox_widgets.trainee import profiles
    profile = profiles.country_profile("SEN")
    profile.show()                          # in the notebook: figures, charts and words
    profile.document().write_pdf(".", profile.file_stem())
    profiles.country_builder()              # the same with a menu and buttons
    profiles.municipal_builder()            # upload a CSV, or use the sample (Valderra)

An uploaded table is checked line by line (read_municipal_table): anything wrong gets
one plain sentence naming the file, the line or column, and the fix; never a traceback.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import data
from .documents import Chart, Document, safe_stem
from .page_style import NO_MATHS
from .i18n import N_, _, language, localized_digits, ngettext

# ------------------------------------------------------------------------------------
# The municipal template: one line per area (ward, village, neighbourhood) and year.

TEMPLATE_FILE = "municipal_profile_template.csv"
SAMPLE_FILE = "municipal_profile_sample.csv"
SAMPLE_PLACE = "Valderra"
AREA, YEAR = "area", "year"
COUNTS = ("residents", "households", "households_with_emigrant",
          "households_receiving_remittances", "returnees", "foreign_born",
          "foreign_born_female")
COLUMNS = (AREA, YEAR, *COUNTS)
# A part cannot be larger than its whole: (part, whole).
PARTS = (("households", "residents"), ("households_with_emigrant", "households"),
         ("households_receiving_remittances", "households"), ("returnees", "residents"),
         ("foreign_born", "residents"), ("foreign_born_female", "foreign_born"))
MAX_BYTES = 1_000_000  # a town's table is a few kilobytes; 1 MB is thousands of lines
MAX_LINES = 5_000

COUNTRY_YEAR = 2024  # UN DESA's latest (Rev.2024) and UNHCR's Global Trends 2024
SDG_COST_TARGET = 3.0  # SDG target 10.c: remittance costs below 3 % by 2030


class UploadError(ValueError):
    """An uploaded table the builder cannot use; the message is one plain sentence."""


def read_municipal_table(content: bytes, name: str) -> pd.DataFrame:
    """The table in `content` (the bytes of the file `name`), checked: its columns, one
    area and year per line, whole numbers, and no part larger than its whole."""
    if len(content) > MAX_BYTES:
        raise UploadError(_(
            "The file {name} is too large for a municipal table ({size:,.1f} MB; the limit "
            "is 1 MB, several thousand lines). Keep one line per area and year, and upload "
            "only that table.").format(name=name, size=len(content) / 1e6))
    if content.startswith(b"PK\x03\x04"):  # a zip: .xlsx or .ods
        raise UploadError(_("The file {name} is a spreadsheet workbook, not a CSV file. In "
                            "your spreadsheet, choose Save as, then the file type \"CSV "
                            "UTF-8\", and upload the new file.").format(name=name))
    if not content.strip():
        raise UploadError(_("The file {name} is empty. Fill in the template, save it as CSV "
                            "and upload it again.").format(name=name))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        raise UploadError(_(
            "The file {name} is not saved as UTF-8 text (the first unreadable character is "
            "on line {line}). In your spreadsheet, choose Save as, then the file type "
            "\"CSV UTF-8\", and upload the new file.").format(name=name, line=line)) from None
    lines = text.splitlines()
    # Spreadsheets set to French or Spanish save CSV with semicolons.
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:  # a stray quote mark or a NUL character
        raise UploadError(_("The file {name} cannot be read as a table ({error}). Save it "
                            "again from your spreadsheet as \"CSV UTF-8\".").format(
            name=name, error=error)) from None
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        others = [column for column in header if column and column not in COLUMNS]
        raise UploadError(_(
            "The file {name} has no column {column}. Its first line must name the "
            "template's columns: {columns}. Columns in your file that the template does not "
            "have: {others}. Copy the template's first line into your file.").format(
                name=name, column=missing[0], columns=", ".join(COLUMNS),
                others=", ".join(others) or _("none")))
    where = {column: header.index(column) for column in COLUMNS}
    records, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(records) >= MAX_LINES:
            raise UploadError(_("The file {name} has more than {count:,} lines: too many for "
                                "a municipal table. Keep one line per area and year.").format(
                name=name, count=MAX_LINES))
        record = _record(row, where, number, name)
        key = (record[AREA], record[YEAR])
        if key in seen:
            raise UploadError(_(
                "In the file {name}, lines {first} and {line} both give {area} in {year}. "
                "Keep one line per area and year.").format(
                    name=name, first=seen[key], line=number, area=key[0], year=key[1]))
        seen[key] = number
        records.append(record)
    if not records:
        raise UploadError(_("The file {name} has the column names but no lines of figures. "
                            "Add one line per area and year.").format(name=name))
    return pd.DataFrame(records, columns=list(COLUMNS))


def _record(row: list[str], where: dict, line: int, name: str) -> dict:
    cell = {column: (row[index].strip() if index < len(row) else "")
            for column, index in where.items()}
    if not cell[AREA]:
        raise UploadError(_("In the file {name}, line {line} has no area name in the column "
                            "{column}. Name the area (ward, village or neighbourhood), or "
                            "delete the line.").format(name=name, line=line, column=AREA))
    record = {AREA: cell[AREA]}
    for column in (YEAR, *COUNTS):
        value = cell[column]
        if not value:
            raise UploadError(_(
                "In the file {name}, line {line}, column {column}: the cell is empty. Write "
                "a whole number, and 0 where there is none.").format(
                    name=name, line=line, column=column))
        if not (value.isascii() and value.isdigit()):
            raise UploadError(_(
                "In the file {name}, line {line}, column {column}: \"{value}\" is not a "
                "whole number. Write a count with digits only (for example 1250: no spaces, "
                "commas, points or % signs).").format(
                    name=name, line=line, column=column, value=value))
        record[column] = int(value)
    if not 1900 <= record[YEAR] <= 2100:
        raise UploadError(_("In the file {name}, line {line}, column {column}: {value} is "
                            "not a year. Write the year of the count, for example 2024.").format(
            name=name, line=line, column=YEAR, value=record[YEAR]))
    if record["residents"] == 0 or record["households"] == 0:
        raise UploadError(_(
            "In the file {name}, line {line}: an area with no residents or no households "
            "cannot have shares. Check the counts, or delete the line.").format(
                name=name, line=line))
    for part, whole in PARTS:
        if record[part] > record[whole]:
            raise UploadError(_(
                "In the file {name}, line {line}: {part} ({part_value}) is larger than "
                "{whole} ({whole_value}), but it is a part of it. Check both numbers.").format(
                    name=name, line=line, part=part, part_value=record[part], whole=whole,
                    whole_value=record[whole]))
    return record


def template_path() -> Path:
    return data.data_dir() / TEMPLATE_FILE


def sample_table() -> pd.DataFrame:
    """Valderra, the fictional town of the course, read by the same checks as an upload."""
    path = data.data_dir() / SAMPLE_FILE
    return read_municipal_table(path.read_bytes(), path.name)


# ------------------------------------------------------------------------------------
# A profile


@dataclass
class Indicator:
    label: str
    value: float | None
    text: str  # the value as written: "2,931,000", "8.3 %"
    year: str
    source: str


@dataclass
class Profile:
    place: str
    kind: str  # "country" or "municipality"
    indicators: list[Indicator]
    chart_rows: list[list[tuple[Chart, str]]]  # rows of one or two charts, each with words
    notes: list[str]
    sources: list[str]
    made_on: datetime.date = field(default_factory=datetime.date.today)  # "5 December 2026"

    def title(self) -> str:
        return _("Migration profile: {place}").format(place=self.place)

    def subtitle(self) -> str:
        return _("Made on {date} with the e-course Migration and Local Development. Every "
                 "figure gives its year and source.").format(date=self.made_on)

    def value(self, label: str) -> float | None:
        return next(i.value for i in self.indicators if i.label == label)

    def file_stem(self) -> str:
        return "migration_profile_" + safe_stem(self.place)

    def document(self) -> Document:
        doc = Document(self.title(), self.subtitle(), fit_pages=1)
        doc.heading(_("Key figures"))
        doc.table([_("Indicator"), _("Value"), _("Year"), _("Source")],
                  [[i.label, i.text, i.year, i.source] for i in self.indicators])
        for row in self.chart_rows:
            doc.charts(row)
        doc.heading(_("Read with care"))
        doc.bullets(self.notes)
        doc.heading(_("Sources"))
        doc.sources(self.sources)
        return doc

    def show(self) -> None:
        """The profile in the notebook: plotly charts, each with its words."""
        from IPython.display import HTML, display

        from .charts import show_chart
        from .tables import table_html

        display(HTML(f'<div class="{NO_MATHS}"><h3>{html.escape(self.title())}</h3>'
                     f"<p><em>{html.escape(self.subtitle())}</em></p></div>"))
        frame = pd.DataFrame([[i.label, i.text, i.year, i.source] for i in self.indicators],
                             columns=["label", "text", "year", "source"])
        display(HTML(table_html(frame, {"label": _("Indicator"), "text": _("Value"),
                                        "year": _("Year"), "source": _("Source")})))
        for row in self.chart_rows:
            for chart, words in row:
                show_chart(plotly_figure(chart), words)
        items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        sources = "".join(f"<li>{html.escape(s)}</li>" for s in self.sources)
        display(HTML(f'<div class="{NO_MATHS}"><p><strong>{html.escape(_("Read with care"))}'
                     f"</strong></p><ul>{items}</ul><p><strong>{html.escape(_('Sources'))}"
                     f'</strong></p><ul style="font-size: smaller">{sources}</ul></div>'))


def plotly_figure(chart: Chart):
    """The chart as an interactive plotly figure (the notebook's view)."""
    import plotly.graph_objects as go

    traces = []
    for name, values in chart.series.items():
        if chart.kind == "line":
            traces.append(go.Scatter(x=list(chart.categories), y=values, name=name,
                                     mode="lines+markers"))
        else:
            horizontal = chart.kind == "barh"
            x, y = (values, chart.categories) if horizontal else (chart.categories, values)
            traces.append(go.Bar(x=x, y=y, name=name, orientation="h" if horizontal else "v"))
    layout = {"title": chart.title, "xaxis_title": chart.x_title, "yaxis_title": chart.y_title,
                  "barmode": "group", "legend_title_text": ""}
    if chart.kind == "barh":
        layout["yaxis"] = {"autorange": "reversed"}
    if chart.kind == "line":
        layout["xaxis"] = {"tickmode": "array", "tickvals": list(chart.categories)}
    return go.Figure(traces, layout=layout)


def _pct(value: float | None) -> str:
    return _("not available") if value is None else _("{value:.1f}%").format(value=value)


def show(value: float, decimals: int = 0) -> str:
    """A number as the trainee's language writes it in the course's sentences (the same
    marks as tr(...).format: 1,234.5 / 1 234,5)."""
    return localized_digits(format(float(value), f",.{decimals}f"), language())


def _count(value: float | None) -> str:
    return _("not available") if value is None else show(value, decimals=0)


def _listed(pairs) -> str:
    return "; ".join(_("{label}: {value}").format(label=label, value=value)
                     for label, value in pairs)


# ------------------------------------------------------------------------------------
# A country, from the course's data tables


def countries() -> list[tuple[str, str]]:
    """(name, ISO3 code) of every country in UN DESA's table, by name."""
    stock = data.migrant_stock(by="destination")
    rows = stock[(stock["area_type"] == "country") & (stock["year"] == COUNTRY_YEAR)]
    return sorted(zip(rows["country"], rows["iso3"]), key=lambda pair: str(pair[0]).casefold())


def _one(frame: pd.DataFrame, column: str) -> float | None:
    if frame.empty or pd.isna(frame[column].iloc[0]):
        return None
    return float(frame[column].iloc[0])


def _unit(values: list) -> tuple[float, str, str]:
    """Divide by, axis words and a format for counts of people."""
    top = max((v for v in values if v is not None), default=0)
    if top >= 1e6:
        return 1e6, _("Persons (millions)"), "{:,.2f}"
    return 1e3, _("Persons (thousands)"), "{:,.1f}"


def country_profile(iso3: str) -> Profile:
    """The profile of one country from UN DESA, UNHCR and World Bank tables."""
    dest = data.migrant_stock(by="destination")
    dest = dest[dest["iso3"] == iso3].sort_values("year")
    if dest.empty:
        raise ValueError(_("The course's tables have no country with the code {code}.").format(
            code=iso3))
    origin = data.migrant_stock(by="origin")
    origin = origin[origin["iso3"] == iso3].sort_values("year")
    place = str(dest["country"].iloc[0])
    now, emig_now = dest[dest["year"] == COUNTRY_YEAR], origin[origin["year"] == COUNTRY_YEAR]
    immigrants, emigrants = _one(now, "migrants"), _one(emig_now, "emigrants")
    women_imm = _share(_one(now, "migrants_female"), immigrants)
    women_emi = _share(_one(emig_now, "emigrants_female"), emigrants)

    asylum, from_here = data.refugees(by="asylum"), data.refugees(by="origin")
    asylum = asylum[(asylum["iso3"] == iso3) & (asylum["year"] <= COUNTRY_YEAR)]
    from_here = from_here[(from_here["iso3"] == iso3) & (from_here["year"] <= COUNTRY_YEAR)]
    hosted = _one(asylum[asylum["year"] == COUNTRY_YEAR], "refugees")
    abroad = _one(from_here[from_here["year"] == COUNTRY_YEAR], "refugees")

    flows = data.remittances()
    flows = flows[flows["iso3"] == iso3].sort_values("year")
    inflows = flows.dropna(subset=["inflow_usd_million"])
    inflow = inflows.iloc[-1] if len(inflows) else None
    gdp = flows.dropna(subset=["inflow_pct_gdp"])
    gdp = gdp.iloc[-1] if len(gdp) else None

    costs = data.remittance_costs(years="2016-2025")
    costs = costs[(costs["receiving_iso3"] == iso3) & costs["cost_pct"].notna()]
    cost, period, corridors = None, "–", 0
    if len(costs):
        period = costs["period"].max()
        latest = costs[costs["period"] == period]
        cost, corridors = float(latest["cost_pct"].mean()), len(latest)

    un, unhcr, wb = "UN DESA", "UNHCR", _("World Bank–KNOMAD")
    year = str(COUNTRY_YEAR)
    indicators = [
        Indicator(_("Immigrants (people born abroad who live here)"), immigrants,
                  _count(immigrants), year, un),
        Indicator(_("Immigrants, share of the population"),
                  _one(now, "migrants_pct_of_population"),
                  _pct(_one(now, "migrants_pct_of_population")), year, un),
        Indicator(_("Women among immigrants"), women_imm, _pct(women_imm), year, un),
        Indicator(_("Emigrants (people born here who live abroad)"), emigrants,
                  _count(emigrants), year, un),
        Indicator(_("Women among emigrants"), women_emi, _pct(women_emi), year, un),
        Indicator(_("Refugees hosted here (UNHCR mandate)"), hosted, _count(hosted), year, unhcr),
        Indicator(_("Refugees from here, abroad (UNHCR mandate)"), abroad, _count(abroad), year,
                  unhcr),
        Indicator(_("Recorded remittances received (US$ million)"),
                  None if inflow is None else float(inflow["inflow_usd_million"]),
                  _count(None if inflow is None else inflow["inflow_usd_million"]),
                  "–" if inflow is None else str(int(inflow["year"])), wb),
        Indicator(_("Remittances received, share of GDP"),
                  None if gdp is None else float(gdp["inflow_pct_gdp"]),
                  _pct(None if gdp is None else gdp["inflow_pct_gdp"]),
                  "–" if gdp is None else str(int(gdp["year"])), _("World Bank, WDI")),
        Indicator(_("Average cost of sending US$ 200 here"), cost, _pct(cost), str(period),
                  ngettext("World Bank, RPW ({count} corridor)", "World Bank, RPW ({count} "
                           "corridors)", corridors).format(count=corridors)),
    ]

    # Chart 1: the two stocks over time.
    years = [int(y) for y in dest["year"]]
    imm = dest.set_index("year")["migrants"]
    emi = origin.set_index("year")["emigrants"] if len(origin) else pd.Series(dtype=float)
    imm_values = [_value(imm, y) for y in years]
    emi_values = [_value(emi, y) for y in years]
    divide, unit, fmt = _unit(imm_values + emi_values)
    trend = Chart("line", years, {
        _("Immigrants"): [None if v is None else v / divide for v in imm_values],
        _("Emigrants"): [None if v is None else v / divide for v in emi_values]},
        title=_("Immigrants and emigrants, {first}–{last}").format(first=years[0],
                                                                  last=years[-1]),
        y_title=unit, value_format=fmt)
    trend_words = _(
        "Line chart of {place} from {first} to {last}, in {unit}. Immigrants: {immigrants}. "
        "Emigrants: {emigrants}. Source: UN DESA, International Migrant Stock 2024.").format(
            place=place, first=years[0], last=years[-1], unit=unit.lower(),
            immigrants=_series_words(years, imm_values, divide, fmt),
            emigrants=_series_words(years, emi_values, divide, fmt))

    # Chart 2: women and men in each group.
    groups = [_("Immigrants"), _("Emigrants")]
    women = [women_imm, women_emi]
    sexes = Chart("bar", groups, {
        _("Women"): women, _("Men"): [None if w is None else 100 - w for w in women]},
        title=_("Women and men, {year} (% of each group)").format(year=COUNTRY_YEAR),
        y_title=_("% of the group"), value_format="{:.1f}")
    sexes_words = _(
        "Bar chart for {place}, {year}. Women are {women_imm} of immigrants and {women_emi} of "
        "emigrants; men are the rest. Source: UN DESA, International Migrant Stock 2024.").format(
            place=place, year=COUNTRY_YEAR, women_imm=_pct(women_imm), women_emi=_pct(women_emi))

    # Chart 3: recorded remittances over time.
    rem_years = [int(y) for y in inflows["year"]]
    rem_values = [float(v) for v in inflows["inflow_usd_million"]]
    rem_chart = Chart("line", rem_years or [COUNTRY_YEAR], {
        _("Remittances received"): rem_values or [None]},
        title=_("Remittances received (US$ million)"), y_title=_("US$ million"))
    if rem_values:
        peak = rem_years[rem_values.index(max(rem_values))]
        rem_words = _(
            "Line chart of recorded remittances received by {place}, {first}–{last}, in US$ "
            "million: {first_value} in {first}, {last_value} in {last}; the highest, "
            "{peak_value}, first reached in {peak}. Source: World Bank–KNOMAD, June 2023.").format(
                place=place, first=rem_years[0], last=rem_years[-1],
                first_value=_count(rem_values[0]), last_value=_count(rem_values[-1]),
                peak_value=_count(max(rem_values)), peak=peak)
    else:
        rem_words = _("The course's remittance table has no recorded inflows for {place}: the "
                      "chart is empty.").format(place=place)

    # Chart 4: refugees hosted and refugees from the country.
    ref_years = list(range(2000, COUNTRY_YEAR + 1, 4))
    if COUNTRY_YEAR not in ref_years:
        ref_years.append(COUNTRY_YEAR)
    hosted_by_year = asylum.set_index("year")["refugees"]
    abroad_by_year = from_here.set_index("year")["refugees"]
    hosted_values = [_value(hosted_by_year, y) for y in ref_years]
    abroad_values = [_value(abroad_by_year, y) for y in ref_years]
    divide_r, unit_r, fmt_r = _unit(hosted_values + abroad_values)
    refugees_chart = Chart("line", ref_years, {
        _("Refugees hosted here"): [None if v is None else v / divide_r for v in hosted_values],
        _("Refugees from here"): [None if v is None else v / divide_r for v in abroad_values]},
        title=_("Refugees, {first}–{last}").format(first=ref_years[0], last=ref_years[-1]),
        y_title=unit_r, value_format=fmt_r)
    refugees_words = _(
        "Line chart for {place}, end of each year, in {unit}. Refugees hosted here: {hosted}. "
        "Refugees from here, abroad: {abroad}. Source: UNHCR.").format(
            place=place, unit=unit_r.lower(),
            hosted=_series_words(ref_years, hosted_values, divide_r, fmt_r),
            abroad=_series_words(ref_years, abroad_values, divide_r, fmt_r))

    notes = [
        _("A national profile hides local differences: one district can have many more "
          "emigrants, or many more newcomers, than the national figure. Add local data."),
        _("Immigrants and emigrants are stocks: everyone living outside their country of "
          "birth at mid-year, whenever they moved. They are not the number who moved this "
          "year."),
        _("Recorded remittances leave out money sent through informal channels or carried by "
          "hand, so a low figure can mean unrecorded rather than small."),
        _("The cost is a plain average over the corridors and providers in the course's "
          "table, not the World Bank's official average. SDG target 10.c asks for costs "
          "below 3% by 2030."),
        _("Refugees are those under UNHCR's mandate; Palestine refugees under UNRWA's "
          "mandate are not included. Each table has its own latest year: read the year "
          "beside each figure."),
    ]
    sources = [_cited(name) for name in ("migrant_stock_by_destination", "refugees_by_asylum",
                                         "remittances", "remittance_costs_2016_2025")]
    return Profile(place, "country", indicators,
                   [[(trend, trend_words), (sexes, sexes_words)],
                    [(rem_chart, rem_words), (refugees_chart, refugees_words)]],
                   notes, sources)


def _cited(name: str) -> str:
    """A course table's source line: the publisher's reference as published (names and
    titles stay as their publishers write them in every language, as in the notebooks'
    Sources), then its licence and the course's note in the trainee's language."""
    reference, _sep, rest = data.citation(name).partition(" Licence: ")
    licence = re.match(r"CC BY \d+(?:\.\d+)?(?: IGO)?", rest)
    return _("{reference} Licence: {licence}. Extract prepared for this course from the "
             "published table.").format(reference=reference,
                                        licence=licence.group(0) if licence else rest)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole * 100


def _value(series: pd.Series, key) -> float | None:
    value = series.get(key)
    return None if value is None or pd.isna(value) else float(value)


def _series_words(years, values, divide, fmt) -> str:
    pairs = [(year, "–" if v is None else _small(fmt, v / divide))
             for year, v in zip(years, values)]
    return _listed(pairs)


def _small(fmt: str, value: float) -> str:
    """As _local, but a value too small for fmt keeps its first digit: 348 refugees in
    millions are 0.0003, not 0.00, which would read as none."""
    decimals = int(fmt.split(".")[1][0]) if "." in fmt else 0
    while value and round(abs(value), decimals) == 0 and decimals < 6:
        decimals += 1
    return show(value, decimals=decimals)


def _local(fmt: str, value: float) -> str:
    """fmt ("{:,.1f}") applied as the trainee's language writes numbers."""
    decimals = int(fmt.split(".")[1][0]) if "." in fmt else 0
    return show(value, decimals=decimals)


# ------------------------------------------------------------------------------------
# A municipality, from its own table

# The municipal indicators, by the label the profile gives them.
HOUSEHOLDS_ABROAD = N_("Households with a member living abroad")
HOUSEHOLDS_REMITTANCES = N_("Households receiving remittances")
RETURNEES = N_("Returnees per 1,000 residents")
BORN_ABROAD = N_("Residents born abroad")
WOMEN_BORN_ABROAD = N_("Women among residents born abroad")


def municipal_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Per area and year: the shares of the profile (in %, returnees per 1,000)."""
    out = table.copy()
    out["households_abroad_pct"] = out["households_with_emigrant"] / out["households"] * 100
    out["households_remittances_pct"] = (out["households_receiving_remittances"]
                                         / out["households"] * 100)
    out["returnees_per_1000"] = out["returnees"] / out["residents"] * 1000
    out["born_abroad_pct"] = out["foreign_born"] / out["residents"] * 100
    out["women_born_abroad_pct"] = (out["foreign_born_female"]
                                    / out["foreign_born"].where(out["foreign_born"] > 0) * 100)
    return out


def municipal_profile(table: pd.DataFrame, place: str, *, synthetic: bool = False) -> Profile:
    """The profile of a municipality from its table (read_municipal_table)."""
    place = place.strip() or _("my municipality")
    totals = municipal_shares(table.groupby(YEAR, as_index=False)[list(COUNTS)].sum())
    totals = totals.sort_values(YEAR)
    last = totals.iloc[-1]
    latest, first = int(last[YEAR]), int(totals[YEAR].iloc[0])
    source = _("Municipal table")
    indicators = [
        Indicator(_("Residents"), float(last["residents"]), _count(last["residents"]),
                  str(latest), source),
        Indicator(_("Households"), float(last["households"]), _count(last["households"]),
                  str(latest), source),
        Indicator(_(HOUSEHOLDS_ABROAD), float(last["households_abroad_pct"]),
                  _pct(last["households_abroad_pct"]), str(latest), source),
        Indicator(_(HOUSEHOLDS_REMITTANCES), float(last["households_remittances_pct"]),
                  _pct(last["households_remittances_pct"]), str(latest), source),
        Indicator(_(RETURNEES), float(last["returnees_per_1000"]),
                  show(last["returnees_per_1000"], decimals=1), str(latest), source),
        Indicator(_(BORN_ABROAD), float(last["born_abroad_pct"]), _pct(last["born_abroad_pct"]),
                  str(latest), source),
        Indicator(_(WOMEN_BORN_ABROAD), _nan_none(last["women_born_abroad_pct"]),
                  _pct(_nan_none(last["women_born_abroad_pct"])), str(latest), source),
    ]

    areas = municipal_shares(table[table[YEAR] == latest]).sort_values(AREA)
    names = [str(a) for a in areas[AREA]]
    shares = {_(HOUSEHOLDS_ABROAD): "households_abroad_pct",
              _(HOUSEHOLDS_REMITTANCES): "households_remittances_pct",
              _(BORN_ABROAD): "born_abroad_pct"}
    by_area = Chart("bar", names, {label: [float(v) for v in areas[column]]
                                   for label, column in shares.items()},
                    title=_("Each area in {year} (%)").format(year=latest),
                    y_title=_("Per cent"), value_format="{:.0f}")
    by_area_words = _(
        "Grouped bar chart of the {count} areas of {place} in {year}. {details} Source: "
        "municipal table.").format(
            count=len(names), place=place, year=latest, details=" ".join(
                _("{area}: households with a member abroad {abroad}, receiving remittances "
                  "{remittances}, residents born abroad {born}.").format(
                    area=row[AREA], abroad=_pct(row["households_abroad_pct"]),
                    remittances=_pct(row["households_remittances_pct"]),
                    born=_pct(row["born_abroad_pct"]))
                for _i, row in areas.iterrows()))

    years = [int(y) for y in totals[YEAR]]
    trend = Chart("line", years, {label: [float(v) for v in totals[column]]
                                  for label, column in shares.items()},
                  title=_("The whole municipality, {first}–{last} (%)").format(
                      first=first, last=latest),
                  y_title=_("Per cent"))
    trend_words = _(
        "Line chart of {place} from {first} to {last}. {details} Source: municipal "
        "table.").format(place=place, first=first, last=latest, details=" ".join(
            _("{label}: {values}.").format(label=label, values=_listed(
                (year, _pct(value)) for year, value in zip(years, totals[column])))
            for label, column in shares.items()))

    returnees = Chart("barh", names, {_(RETURNEES): [float(v) for v in
                                                      areas["returnees_per_1000"]]},
                      title=_("Returnees per 1,000 residents, {year}").format(year=latest),
                      x_title=_("Returnees per 1,000 residents"))
    returnees_words = _("Bar chart of returnees per 1,000 residents in each area of {place}, "
                        "{year}: {values}. Source: municipal table.").format(
        place=place, year=latest, values=_listed(
            (row[AREA], show(row["returnees_per_1000"], decimals=1))
            for _i, row in areas.iterrows()))

    notes = [
        _("Figures are only as good as the count behind them: say who counted, how "
          "(census, register, survey) and when."),
        _("Households with a member abroad leave out families who all left: nobody is "
          "left to count them."),
        _("Born abroad is not the same as foreign: it includes citizens born abroad and "
          "leaves out foreigners born here."),
        _("Returnees are counted as the template defines them: residents who came back "
          "after living abroad, in the five years before the count."),
    ]
    if len(years) == 1:
        notes.append(_("The table has one year only: add earlier years to see a trend."))
    if synthetic:
        notes.insert(0, _("{place} is fictional: its figures were made up by the course team "
                          "for teaching.").format(place=place))
    sources = [_("{place}: municipal table, {count} areas, {first}–{last}.").format(
        place=place, count=len(names), first=first, last=latest)]
    if synthetic:
        sources.append(_("Course team (2026). Sample municipal table of Valderra, a fictional "
                         "town (synthetic data), in the course's folder data/."))
    return Profile(place, "municipality", indicators,
                   [[(by_area, by_area_words)], [(trend, trend_words),
                                                 (returnees, returnees_words)]],
                   notes, sources)


def _nan_none(value) -> float | None:
    return None if pd.isna(value) else float(value)


# ------------------------------------------------------------------------------------
# The builders: menus and buttons in the notebook


def _downloads(profile_box, status):
    """The two buttons that save the shown profile next to the notebook."""
    import ipywidgets as widgets

    def save(kind):
        profile = profile_box.get("profile")
        if profile is None:
            status.value = _say(_("○ Build a profile first, then save it."))
            return
        status.value = _say(_("Writing the {kind} file …").format(kind=kind.upper()))
        try:
            document = profile.document()
            writer = document.write_pdf if kind == "pdf" else document.write_html
            path = writer(Path.cwd(), profile.file_stem())
        except OSError as error:
            status.value = _say(_(
                "✘ The file could not be written in this folder ({error}). Check that the "
                "folder is yours and not full, then press the button again.").format(
                    error=error.strerror or error), alert=True)
            return
        link = f"<code>{html.escape(path.name)}</code>"  # a widget's links do not resolve
        words = _("✔ Saved as {link}, next to this notebook (see the file browser on the "
                  "left). Earlier files are kept.")
        before, _sep, after = words.partition("{link}")
        status.value = (f'<p role="status" aria-live="polite">{html.escape(before)}{link}'
                        f"{html.escape(after)}</p>")

    buttons = []
    for kind, words in (("html", _("Save as HTML")), ("pdf", _("Save as PDF"))):
        button = widgets.Button(description=words, layout=widgets.Layout(width="auto"),
                                tooltip=_("Save the profile shown below as a file next to "
                                          "this notebook"))
        button.on_click(lambda _button, kind=kind: save(kind))
        buttons.append(button)
    return widgets.HBox(buttons)


def _say(text: str, alert: bool = False) -> str:
    """The builder's status line, read out by screen readers when it changes."""
    role = 'role="alert"' if alert else 'role="status" aria-live="polite"'
    return f"<p {role}>{html.escape(text)}</p>"


def _builder(controls, build):
    """A box: the controls, the save buttons, a status line and the profile."""
    import ipywidgets as widgets

    from .controls import KeyGuard

    output = widgets.Output()
    status = widgets.HTML()
    status.add_class("mld-status")
    shown: dict = {}

    def run(*args):
        status.value = _say(_("Building the profile …"))
        try:
            profile = build(*args)
        except (UploadError, data.DataFileError) as error:  # a plain sentence, never a traceback
            shown.pop("profile", None)
            output.clear_output()
            status.value = _say(f"✘ {error}", alert=True)
            return
        shown["profile"] = profile
        output.clear_output(wait=True)
        with output:
            profile.show()
        status.value = _say(_("✔ Profile of {place} built. Save it with the buttons "
                              "above.").format(place=profile.place))

    def forget(text):
        """The controls changed after the profile was built: take it away, say why."""
        if shown.pop("profile", None) is not None:
            output.clear_output()
            status.value = _say(text)

    box = widgets.VBox([*controls(run), _downloads(shown, status), status, output, KeyGuard()])
    box.add_class("mld-exercise")
    box.run = run  # for tests and the notebook's own worked example
    box.forget = forget
    return box


def country_builder(default: str = ""):
    """A menu of countries and a button that shows the country's profile."""
    import ipywidgets as widgets

    menu = widgets.Dropdown(options=[(_("— choose —"), ""), *countries()], value=default,
                            description=_("Country:"), style={"description_width": "initial"})
    button = widgets.Button(description=_("Build the profile"),
                            layout=widgets.Layout(width="auto"),
                            tooltip=_("Build the migration profile of the chosen country"))

    def controls(run):
        button.on_click(lambda _button: run())
        return [widgets.HBox([menu, button])]

    box = _builder(controls, lambda: _country_from(menu.value))
    box.menu = menu
    # The browser sends a click at once but holds a menu's next change until the kernel has
    # taken the one before: after fast arrow keys, Build can reach the kernel before the
    # country shown. A change that arrives after a build takes that profile away, so the
    # profile shown (and saved) is never of another country than the menu's.
    menu.observe(lambda change: box.forget(_(
        "○ The country in the menu has changed: press Build the profile to see its "
        "profile.")), names="value")
    return box


def _country_from(code: str) -> Profile:
    if not code:
        raise UploadError(_("Choose a country in the menu first."))
    return country_profile(code)


def municipal_builder():
    """Upload a table in the template (or take the sample) and see its profile."""
    import ipywidgets as widgets

    name = widgets.Text(value="", placeholder=_("for example Valderra"),
                        description=_("Name of the municipality:"),
                        style={"description_width": "initial"})
    upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False,
                                description=_("Upload my table (CSV)"),
                                layout=widgets.Layout(width="auto"))
    sample = widgets.Button(description=_("Use the sample (Valderra)"),
                            layout=widgets.Layout(width="auto"),
                            tooltip=_("Build the profile of Valderra, a fictional town"))
    guide = widgets.HTML(_("<p>The template is the file <code>{template}</code> in the "
                           "course's folder <code>data/</code>: one line per area and year, "
                           "whole numbers only.</p>").format(template=html.escape(TEMPLATE_FILE)))

    def controls(run):
        upload.observe(lambda change: run("upload"), names="value")
        sample.on_click(lambda _button: run("sample"))
        return [guide, name, widgets.HBox([upload, sample])]

    def build(which):
        if which == "sample":
            return municipal_profile(sample_table(), SAMPLE_PLACE, synthetic=True)
        if not upload.value:
            raise UploadError(_("Choose a CSV file with the upload button first."))
        file = upload.value[0]
        table = read_municipal_table(bytes(file["content"]), file["name"])
        return municipal_profile(table, name.value or Path(file["name"]).stem)

    box = _builder(controls, build)
    box.upload, box.place = upload, name
    return box
