"""Every curated table in data/ against the publishers' raw files.

The raw files live outside the repository, in ../shared/data/raw (described by its
PROVENANCE.md and PROVENANCE-2.md), or in the folder named by MLD_RAW_DATA. Without
them the tests are skipped with a message, except in CI (CI=true), where they fail.

The expected rows are derived here again, with the csv module and plain Python, from
the raw cells and the rules stated in data/README.md; nothing is imported from
tools/curate_data.py, so a bug there shows up as a difference here. Each table is
compared row by row and column by column, by key, and against totals that the
publishers state. Where the raw folder keeps the publisher's own workbook (KNOMAD's
matrix and flows, UN DESA's tables), the values are also read from it (pandas with
openpyxl), so a slip in the conversion to the raw CSVs is caught too.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
RAW_ENV = "MLD_RAW_DATA"

# RPW writes Kosovo as KSV; every course table uses XKX (data/README.md).
CODE_FIXES = {"KSV": "XKX"}
UN_YEARS = {"1990", "1995", "2000", "2005", "2010", "2015", "2020", "2024"}


@pytest.fixture(scope="module")
def raw() -> Path:
    folder = Path(os.environ.get(RAW_ENV) or ROOT.parent / "shared" / "data" / "raw")
    if not (folder / "PROVENANCE.md").is_file():
        message = (f"The publishers' raw files are not at {folder}: put the shared folder"
                   f" beside the repository or name it with {RAW_ENV}.")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the data must be checked in CI)")
        pytest.skip(message)
    return folder


# --- plain readers ----------------------------------------------------------------


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def curated(name: str) -> list[dict]:
    return read(DATA / f"{name}.csv")


def num(text: str) -> float | None:
    return None if text == "" else float(text)


def name(text: str) -> str:
    """A publisher's name without trailing footnote marks ('Netherlands*')."""
    return re.sub(r"[\s*]+$", "", text).strip()


def blank_leading_zeros(values: list) -> list:
    """KNOMAD's 0 before a series' first positive value means 'not reported'."""
    out, seen_positive = [], False
    for v in values:
        seen_positive = seen_positive or (v is not None and v > 0)
        out.append(None if (v == 0 and not seen_positive) else v)
    return out


def compare(rows: list[dict], expected: dict, key: list[str], tol: dict) -> list[str]:
    """Differences between curated rows and the expected cells, by key.

    `expected` maps a key tuple to {column: value}; a str is compared as text, a
    float or None as a number within tol[column] (None = empty cell).
    """
    problems = []
    got = {tuple(r[k] for k in key): r for r in rows}
    if len(got) != len(rows):
        problems.append(f"{len(rows) - len(got)} duplicate key(s)")
    missing, extra = expected.keys() - got.keys(), got.keys() - expected.keys()
    if missing:
        problems.append(f"{len(missing)} raw row(s) missing, e.g. {sorted(missing)[:3]}")
    if extra:
        problems.append(f"{len(extra)} row(s) not in the raw file, e.g. {sorted(extra)[:3]}")
    cells = []
    for k in sorted(expected.keys() & got.keys()):
        for column, want in expected[k].items():
            have = got[k][column]
            if isinstance(want, str):
                ok = have == want
            elif want is None or have == "":
                ok = want is None and have == ""
            else:
                ok = abs(float(have) - want) <= tol.get(column, 0) + 1e-9
            if not ok:
                cells.append(f"{k} {column}: {have!r} in data/, {want!r} in the raw file")
    if cells:
        problems.append(f"{len(cells)} cell(s) differ, e.g. " + "; ".join(cells[:5]))
    return problems


# --- what each table should hold ---------------------------------------------------

WHOLE = 0.5  # integers are written rounded


def expect_migrant_stock(raw: Path, by: str) -> dict:
    prefix = "migrants" if by == "destination" else "emigrants"
    expected = {}
    for r in read(raw / f"undesa_ims2024/un_ims2024_by_{by}.csv"):
        if r["year"] not in UN_YEARS:
            continue
        if r["is_country"] == "True":
            row = {"iso3": r["iso3"], "country": name(r["location_name"]), "area_type": "country",
                   "un_region": r["un_continent"], "un_subregion": r["un_subregion"]}
        elif r["location_code_m49"] == "900":
            row = {"iso3": "WLD", "country": "World", "area_type": "world"}
        elif r["location_code_m49"] == "2003" and by == "origin":
            row = {"iso3": "UNK", "country": "Unknown origin", "area_type": "unknown"}
        else:
            continue
        code = row.pop("iso3")
        row[prefix] = num(r[f"{prefix}_total"])
        row[f"{prefix}_female"] = num(r[f"{prefix}_female"])
        if by == "destination":
            row["migrants_pct_of_population"] = num(r["migrants_pct_of_population"])
            row["population_thousands"] = num(r["population_total_thousands"])
        expected[(code, r["year"])] = row
    return expected


def check_migrant_stock(raw: Path, by: str, rows: list[dict]) -> list[str]:
    prefix = "migrants" if by == "destination" else "emigrants"
    tol = {prefix: WHOLE, f"{prefix}_female": WHOLE, "migrants_pct_of_population": 5e-4,
           "population_thousands": 5e-4}
    problems = compare(rows, expect_migrant_stock(raw, by), ["iso3", "year"], tol)
    # The parts (countries, and unknown origin) add up to the world in every year.
    world, parts = {}, defaultdict(float)
    for r in rows:
        if r["area_type"] == "world":
            world[r["year"]] = float(r[prefix])
        else:
            parts[r["year"]] += float(r[prefix] or 0)
    for year in sorted(UN_YEARS):
        if abs(world.get(year, 0) - parts[year]) > 1:
            problems.append(f"{year}: the rows add up to {parts[year]:,.0f}, the world is"
                            f" {world.get(year, 0):,.0f}")
    return problems


def test_migrant_stock_by_destination(raw):
    rows = curated("migrant_stock_by_destination")
    assert not check_migrant_stock(raw, "destination", rows)
    world_2024 = next(r for r in rows if r["iso3"] == "WLD" and r["year"] == "2024")
    assert world_2024["migrants"] == "304021813"  # PROVENANCE.md, UN DESA's 304 million


def test_migrant_stock_by_origin(raw):
    rows = curated("migrant_stock_by_origin")
    assert not check_migrant_stock(raw, "origin", rows)
    # PROVENANCE.md as corrected on 2026-12-01: about 22.1 M of unknown origin (not 15.8 M).
    unknown = next(r for r in rows if r["iso3"] == "UNK" and r["year"] == "2024")
    assert round(int(unknown["emigrants"]) / 1e6, 1) == 22.1


def expect_remittances(raw: Path) -> dict:
    knomad = read(raw / "knomad_remittances/knomad_remittances_2023-06_long.csv")
    wdi = {(r["iso3"], r["year"]): num(r["remit_received_pct_gdp"])
           for r in read(raw / "worldbank_wdi_remittances/wdi_remittances_2023-05_long.csv")}
    series = defaultdict(list)
    for r in knomad:
        series[r["iso3"]].append(r)
    expected = {}
    for code, rs in series.items():
        rs.sort(key=lambda r: int(r["year"]))
        inflow = blank_leading_zeros([num(r["inflow_usd_million"]) for r in rs])
        outflow = blank_leading_zeros([num(r["outflow_usd_million"]) for r in rs])
        # % of GDP for 2000-2021 only: the 2022 values of that WDI vintage are incomplete.
        pct = blank_leading_zeros([wdi.get((code, r["year"])) if int(r["year"]) <= 2021
                                   else None for r in rs])
        kind = {"WLD": "world", "LMY": "aggregate"}.get(code, "country")
        for r, i, o, p in zip(rs, inflow, outflow, pct):
            expected[(code, r["year"])] = {"country": name(r["country_name"]), "area_type": kind,
                                           "inflow_usd_million": i, "outflow_usd_million": o,
                                           "inflow_pct_gdp": p}
    return expected


def check_remittances(raw: Path, rows: list[dict]) -> list[str]:
    tol = {"inflow_usd_million": 5e-4, "outflow_usd_million": 5e-4, "inflow_pct_gdp": 5e-7}
    return compare(rows, expect_remittances(raw), ["iso3", "year"], tol)


def test_remittances(raw):
    rows = curated("remittances")
    assert not check_remittances(raw, rows)
    # PROVENANCE.md: the countries add up to the World row (716.9 bn in 2020).
    countries = sum(float(r["inflow_usd_million"] or 0) for r in rows
                    if r["year"] == "2020" and r["area_type"] == "country")
    world = next(float(r["inflow_usd_million"]) for r in rows
                 if r["year"] == "2020" and r["iso3"] == "WLD")
    assert round(world / 1000, 1) == 716.9
    assert countries == pytest.approx(world, rel=1e-3)


def expect_remittance_costs(raw: Path) -> dict:
    expected = {}
    for r in read(raw / "worldbank_rpw/rpw_corridor_average_total_cost_2011Q1_2020Q3.csv"):
        key = (CODE_FIXES.get(r["sending_iso3"], r["sending_iso3"]),
               CODE_FIXES.get(r["receiving_iso3"], r["receiving_iso3"]), r["year"], r["quarter"])
        expected[key] = {"sending_country": name(r["sending_country"]),
                         "receiving_country": name(r["receiving_country"]),
                         "period": r["period"], "cost_pct": num(r["cost_pct_of_200usd"])}
    return expected


def check_remittance_costs(raw: Path, rows: list[dict]) -> list[str]:
    key = ["sending_iso3", "receiving_iso3", "year", "quarter"]
    return compare(rows, expect_remittance_costs(raw), key, {"cost_pct": 5e-5})


def test_remittance_costs(raw):
    rows = curated("remittance_costs")
    assert not check_remittance_costs(raw, rows)
    assert len(rows) == 10_417  # PROVENANCE.md
    assert {r["receiving_iso3"] for r in rows if r["receiving_country"] == "Kosovo"} == {"XKX"}


def expect_remittance_costs_2025(raw: Path) -> dict:
    file = raw / "worldbank_rpw_2016_2025/rpw_corridor_quarter_avg_2016Q2_2025Q1.csv"
    expected, latest_name = {}, {}
    for r in read(file):
        year, quarter = r["period"][:4], r["period"][5]  # "2016_2Q"
        send = CODE_FIXES.get(r["source_code"], r["source_code"])
        receive = CODE_FIXES.get(r["destination_code"], r["destination_code"])
        # One name per code: the one of the latest quarter (Turkey -> Türkiye, ...).
        for code, text in [(send, r["source_name"]), (receive, r["destination_name"])]:
            if (year, quarter) >= latest_name.get(code, ("", ""))[:2]:
                latest_name[code] = (year, quarter, name(text))
        expected[(send, receive, year, quarter)] = {
            "period": f"{year}Q{quarter}",
            "cost_pct": num(r["avg_cost_pct_200usd"]),
            "cost_pct_500": num(r["avg_cost_pct_500usd"]),
            "fx_margin_pct": num(r["avg_fx_margin_200usd"]),
            "fx_margin_pct_500": num(r["avg_fx_margin_500usd"]),
            "providers": num(r["num_providers"]),
        }
    for (send, receive, _, _), row in expected.items():
        row["sending_country"] = latest_name[send][2]
        row["receiving_country"] = latest_name[receive][2]
    return expected


def check_remittance_costs_2025(raw: Path, rows: list[dict]) -> list[str]:
    key = ["sending_iso3", "receiving_iso3", "year", "quarter"]
    tol = dict.fromkeys(["cost_pct", "cost_pct_500", "fx_margin_pct", "fx_margin_pct_500"], 5e-4)
    return compare(rows, expect_remittance_costs_2025(raw), key, tol)


def test_remittance_costs_2016_2025(raw):
    rows = curated("remittance_costs_2016_2025")
    assert not check_remittance_costs_2025(raw, rows)
    assert len(rows) == 10_468  # PROVENANCE-2.md
    latest = [float(r["cost_pct"]) for r in rows if r["period"] == "2025Q1"]
    # PROVENANCE-2.md: mean over corridors 6.92 % in 2025Q1, 10 % of them below 3 %.
    assert round(sum(latest) / len(latest), 2) == 6.92
    assert round(100 * sum(c < 3 for c in latest) / len(latest)) == 10
    assert {r["sending_country"] for r in rows if r["sending_iso3"] == "TUR"} == {"Türkiye"}


def expect_bilateral_remittances(raw: Path) -> dict:
    expected = {}
    for r in read(raw / "knomad_brm2021/knomad_bilateral_remittance_matrix_2021_long.csv"):
        expected[(r["sending_iso3"], r["receiving_iso3"])] = {
            "sending_country": name(r["sending_country"]),
            "receiving_country": name(r["receiving_country"]),
            "year": "2021",
            "remittances_usd_million": num(r["remittances_usd_million"]),
        }
    return expected


def check_bilateral_remittances(raw: Path, rows: list[dict]) -> list[str]:
    tol = {"remittances_usd_million": 5e-5}
    return compare(rows, expect_bilateral_remittances(raw), ["sending_iso3", "receiving_iso3"],
                   tol)


def test_bilateral_remittances_2021(raw):
    rows = curated("bilateral_remittances_2021")
    assert not check_bilateral_remittances(raw, rows)
    # PROVENANCE-2.md: the pairs add up to the WORLD/WORLD cell, 781,075.7 US$ million.
    total = sum(float(r["remittances_usd_million"]) for r in rows)
    assert round(total, 1) == 781_075.7
    # The sum into India matches its reported 2021 inflow in another publisher file (WDI).
    into_india = sum(float(r["remittances_usd_million"]) for r in rows
                     if r["receiving_iso3"] == "IND")
    wdi = read(raw / "worldbank_wdi_remittances/wdi_remittances_2023-05_long.csv")
    reported = next(float(r["remit_received_usd"]) for r in wdi
                    if r["iso3"] == "IND" and r["year"] == "2021")
    assert into_india == pytest.approx(reported / 1e6, rel=2e-3)


UNHCR_COUNTS = ["refugees", "asylum_seekers", "idps", "stateless", "oip"]


def expect_refugees(raw: Path, by: str) -> dict:
    expected = {}
    for r in read(raw / f"unhcr_refugees/unhcr_population_by_country_of_{by}.csv"):
        if 2000 <= int(r["year"]) <= 2025:
            kind = {"UNK": "unknown", "XXA": "other", "TIB": "other"}.get(r["iso3"], "country")
            row = {"country": name(r["country_name"]), "area_type": kind}
            row.update({c: num(r[c]) for c in UNHCR_COUNTS})
            expected[(r["iso3"], r["year"])] = row
    return expected


def check_refugees(raw: Path, by: str, rows: list[dict]) -> list[str]:
    tol = dict.fromkeys(UNHCR_COUNTS, WHOLE)
    return compare(rows, expect_refugees(raw, by), ["iso3", "year"], tol)


@pytest.mark.parametrize("by", ["asylum", "origin"])
def test_refugees(raw, by):
    rows = curated(f"refugees_by_{by}")
    assert not check_refugees(raw, by, rows)
    # PROVENANCE.md as corrected on 2026-12-01: oip is empty before 2018.
    assert all(r["oip"] == "" for r in rows if int(r["year"]) < 2018)
    assert any(r["oip"] != "" for r in rows if r["year"] == "2018")
    if by == "asylum":  # UNHCR Global Trends 2024: 31.0 M refugees under its mandate
        world = sum(int(r["refugees"]) for r in rows if r["year"] == "2024")
        assert round(world / 1e6, 1) == 31.0


def expect_country_regions(raw: Path) -> dict:
    expected = {}
    for r in read(raw / "worldbank_wdi_remittances/wdi_remittances_2023-05_long.csv"):
        if r["is_aggregate"] == "False":
            expected[(r["iso3"],)] = {"country": name(r["country_name"]),
                                      "wb_region": r["wb_region"],
                                      "wb_income_group": r["wb_income_group"]}
    return expected


def check_country_regions(raw: Path, rows: list[dict]) -> list[str]:
    return compare(rows, expect_country_regions(raw), ["iso3"], {})


def test_country_regions(raw):
    rows = curated("country_regions")
    assert not check_country_regions(raw, rows)
    assert {r["wb_region"] for r in rows if r["iso3"] in ("XKX", "MEX", "NGA")} == {
        "Europe & Central Asia", "Latin America & Caribbean", "Sub-Saharan Africa"}


CHECKS = {
    "migrant_stock_by_destination": lambda raw, rows: check_migrant_stock(raw, "destination", rows),
    "migrant_stock_by_origin": lambda raw, rows: check_migrant_stock(raw, "origin", rows),
    "remittances": check_remittances,
    "remittance_costs": check_remittance_costs,
    "remittance_costs_2016_2025": check_remittance_costs_2025,
    "bilateral_remittances_2021": check_bilateral_remittances,
    "refugees_by_asylum": lambda raw, rows: check_refugees(raw, "asylum", rows),
    "refugees_by_origin": lambda raw, rows: check_refugees(raw, "origin", rows),
    "country_regions": check_country_regions,
}


# The course's own synthetic town and its empty template have no publisher's file:
# tests/test_profile_builder.py checks them.
COURSE_MADE = {"municipal_profile_sample", "municipal_profile_template"}


def test_every_table_is_checked_against_the_raw_files():
    tables = {p.stem for p in DATA.glob("*.csv")} - COURSE_MADE
    assert tables == set(CHECKS), "add a raw-file check for each new table"


# --- the checks catch curation bugs ------------------------------------------------


def corrupt_cell(rows, column, change):
    rows = [dict(r) for r in rows]
    row = next(r for r in rows if r[column] != "")
    row[column] = change(row[column])
    return rows


@pytest.mark.parametrize("table, column, change", [
    ("remittances", "inflow_usd_million", lambda v: f"{float(v) + 0.01:.3f}"),
    ("remittance_costs", "receiving_iso3", lambda v: "KSV" if v == "XKX" else "ZZZ"),
    ("remittance_costs_2016_2025", "providers", lambda v: str(int(v) + 1)),
    ("bilateral_remittances_2021", "receiving_country", lambda v: v + " *"),
    ("migrant_stock_by_origin", "un_region", lambda v: v + "x"),
    ("refugees_by_origin", "oip", lambda v: ""),
    ("country_regions", "wb_income_group", lambda v: "High income" if v != "High income"
     else "Low income"),
])
def test_a_changed_cell_is_caught(raw, table, column, change):
    rows = corrupt_cell(curated(table), column, change)
    assert CHECKS[table](raw, rows)


def test_a_dropped_row_and_a_leading_zero_are_caught(raw):
    rows = curated("bilateral_remittances_2021")
    assert any("missing" in p for p in CHECKS["bilateral_remittances_2021"](raw, rows[1:]))
    # Afghanistan's inflows before 2008 were reported as 0 (not reported): they must stay empty.
    rows = [dict(r) for r in curated("remittances")]
    afg_2000 = next(r for r in rows if r["iso3"] == "AFG" and r["year"] == "2000")
    afg_2000["inflow_usd_million"] = "0.000"
    assert check_remittances(raw, rows)


# --- the publishers' own workbooks --------------------------------------------------
# The raw tidy CSVs above were converted from these workbooks for the course; reading
# the workbooks themselves also catches a conversion slip (a transposed matrix, a
# shifted year column) that no check against the tidy CSVs could see.


def workbook(path: Path, sheet: str | int = 0):
    import pandas as pd

    return pd.read_excel(path, sheet_name=sheet, header=None)


def test_bilateral_remittances_match_the_knomad_matrix(raw):
    sheet = workbook(raw / "knomad_brm2021/bilateral_remittance_matrix_2021_0.xlsx")
    assert "(across)" in sheet.iat[1, 0] and "sending country (down)" in sheet.iat[1, 0]
    receivers = [str(v).strip() for v in sheet.iloc[1, 1:]]
    cells, world = {}, None
    for values in sheet.iloc[2:].itertuples(index=False):
        sender = str(values[0]).strip()
        for receiver, value in zip(receivers, values[1:]):
            if sender == "WORLD" and receiver == "WORLD":
                world = float(value)
            elif "WORLD" not in (sender, receiver) and isinstance(value, (int, float)) \
                    and value > 0:
                cells[(sender, receiver)] = float(value)
        if sender == "WORLD":
            break
    rows = curated("bilateral_remittances_2021")
    got = {(r["sending_country"], r["receiving_country"]): float(r["remittances_usd_million"])
           for r in rows}
    assert got.keys() == cells.keys()
    assert all(abs(got[k] - v) <= 5e-5 + 1e-9 for k, v in cells.items())
    assert round(sum(got.values()), 1) == round(world, 1)


@pytest.mark.parametrize("flow, file, first_row", [
    ("inflow", "knomad_remittance_inflows_2023-06.xlsx", 0),
    ("outflow", "knomad_remittance_outflows_2023-06.xlsx", 1),
])
def test_remittances_match_the_knomad_workbooks(raw, flow, file, first_row):
    sheet = workbook(raw / "knomad_remittances" / file)
    years = [str(int(y)) for y in sheet.iloc[first_row, 1:24]]
    assert years == [str(y) for y in range(2000, 2023)]
    published = {}
    for values in sheet.iloc[first_row + 1:].itertuples(index=False):
        cells = [float(v) if isinstance(v, (int, float)) and v == v else None
                 for v in values[1:24]]
        if isinstance(values[0], str) and any(v is not None for v in cells):  # not a note
            series = blank_leading_zeros(cells)
            published.update({(values[0].strip(), y): v for y, v in zip(years, series)})
    column = f"{flow}_usd_million"
    rows = curated("remittances")
    assert published.keys() <= {(r["country"], r["year"]) for r in rows}
    for r in rows:
        want = published.get((r["country"], r["year"]))  # none: WLD and LMY outflows
        if want is None:
            assert r[column] == "", r
        else:
            assert r[column] != "" and abs(float(r[column]) - want) <= 5e-4 + 1e-9, r


@pytest.mark.parametrize("by", ["destination", "origin"])
def test_migrant_stock_matches_the_un_desa_workbook(raw, by):
    """Both sexes and women, every year, every row, from Table 1 by UN M49 code."""
    folder = raw / "undesa_ims2024"
    sheet = workbook(folder / f"undesa_pd_2024_ims_stock_by_sex_and_{by}.xlsx", "Table 1")
    header = next(i for i in range(20) if sheet.iat[i, 4] == "Location code")
    years = [str(int(y)) for y in sheet.iloc[header, 5:13]]
    assert years == sorted(UN_YEARS)
    table = {int(v[4]): v for v in sheet.iloc[header + 1:].itertuples(index=False)
             if isinstance(v[4], (int, float)) and v[4] == v[4]}
    # The code of each curated row: ISO3 -> M49 from the tidy file; WLD and UNK by the UN.
    m49 = {r["iso3"]: int(r["location_code_m49"])
           for r in read(folder / f"un_ims2024_by_{by}.csv") if r["iso3"]}
    m49.update({"WLD": 900, "UNK": 2003})
    prefix = "migrants" if by == "destination" else "emigrants"
    rows = curated(f"migrant_stock_by_{by}")
    for r in rows:
        published = table[m49[r["iso3"]]]
        i = years.index(r["year"])
        assert float(r[prefix]) == float(published[5 + i]), r
        assert float(r[f"{prefix}_female"]) == float(published[21 + i]), r
