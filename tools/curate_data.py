"""Rebuild the course's curated data tables in data/ from the shared raw files.

Usage:
    python tools/curate_data.py PATH_TO_RAW

PATH_TO_RAW is the folder of raw reference files described in its PROVENANCE.md and
PROVENANCE-2.md (UN DESA, World Bank/KNOMAD, Remittance Prices Worldwide, UNHCR). The
script writes nine tidy CSV files plus data/datapackage.json. The output is deterministic: rows are
sorted, every float column has a fixed number of decimals, files are UTF-8 with "\\n"
line endings, so running it twice gives the same bytes.

The field lists below are the single source of truth: they decide the column order
and number format of each CSV *and* the schema written to datapackage.json, so the
two cannot drift apart. The prose for people lives in data/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# ----------------------------------------------------------------------------------
# Licences and sources (cited per resource in datapackage.json)

CC_BY_4 = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
CC_BY_3_IGO = {
    "name": "CC-BY-3.0-IGO",
    "title": "Creative Commons Attribution 3.0 IGO",
    "path": "https://creativecommons.org/licenses/by/3.0/igo/",
}

UNDESA_SOURCE = {
    "title": "United Nations Department of Economic and Social Affairs, Population Division:"
    " International Migrant Stock 2024",
    "path": "https://www.un.org/development/desa/pd/content/international-migrant-stock",
    "version": "POP/DB/MIG/Stock/Rev.2024",
    "year": 2024,
}
UNDESA_CITATION = (
    "United Nations Department of Economic and Social Affairs, Population Division (2024)."
    " International Migrant Stock 2024 (POP/DB/MIG/Stock/Rev.2024)."
    " https://www.un.org/development/desa/pd/content/international-migrant-stock."
    " Licence: CC BY 3.0 IGO. Curated extract (countries, world{extra}) for the course"
    " Migration and Local Development."
)

# ----------------------------------------------------------------------------------
# Field helpers


def field(name, type_, title, description, unit=None, decimals=None, **constraints):
    """One column: its Table Schema entry plus how the CSV writer formats it."""
    spec = {"name": name, "type": type_, "title": title, "description": description}
    if unit:
        spec["unit"] = unit
    if constraints:
        spec["constraints"] = constraints
    spec["_decimals"] = decimals  # used by the writer only, stripped from the JSON
    return spec


ISO3 = field(
    "iso3",
    "string",
    "ISO3 code",
    "ISO 3166-1 alpha-3 code; non-ISO codes are explained in the table description.",
    required=True,
    pattern="^[A-Z]{3}$",
)
YEAR = field("year", "integer", "Year", "Reference year.", required=True)


def country(title="Country or area", description="Name as written by the publisher."):
    return field("country", "string", title, description, required=True)


def area_type(values, description):
    return field("area_type", "string", "Kind of row", description, required=True, enum=values)


# ----------------------------------------------------------------------------------
# Reading, cleaning and writing


def read_raw(raw_dir: Path, rel: str) -> pd.DataFrame:
    path = raw_dir / rel
    if not path.is_file():
        sys.exit(f"error: raw file not found: {path} (is PATH_TO_RAW the shared raw folder?)")
    # Only an empty cell means missing; "NA" is Namibia's code and must stay text.
    return pd.read_csv(path, keep_default_na=False, na_values=[""], encoding="utf-8")


def clean_name(names: pd.Series) -> pd.Series:
    """Publisher names without trailing footnote marks such as '*'."""
    return names.str.replace(r"[\s*]+$", "", regex=True).str.strip()


def check_unique(df: pd.DataFrame, keys: list[str], table: str) -> None:
    dup = df[df.duplicated(keys, keep=False)]
    if not dup.empty:
        sys.exit(f"error: {table}: duplicate keys {keys}:\n{dup[keys].head()}")


def write_table(df: pd.DataFrame, fields: list[dict], path: Path) -> None:
    """Write columns in schema order with a fixed text format for every value."""
    out = pd.DataFrame(index=df.index)
    for f in fields:
        col = df[f["name"]]
        if f["type"] == "integer":
            # Through Int64 so that 12.0 becomes "12" and missing becomes "".
            text = col.round().astype("Int64").astype("string")
        elif f["type"] == "number":
            text = col.map(lambda v, d=f["_decimals"]: "" if pd.isna(v) else f"{v:.{d}f}")
        else:
            text = col.astype("string")
        out[f["name"]] = text.fillna("").astype(object)
    out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


# ----------------------------------------------------------------------------------
# 1-2. UN DESA International Migrant Stock 2024, by destination and by origin

UN_YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
UN_WORLD_M49, UN_OTHER_M49 = 900, 2003


def un_geography():
    return [
        field(
            "un_region",
            "string",
            "UN region",
            "UN geographic region (continent) of a country; empty for non-country rows.",
        ),
        field(
            "un_subregion",
            "string",
            "UN subregion",
            "UN geographic subregion of a country; empty for non-country rows and for"
            " Northern America, which the UN does not split into subregions.",
        ),
    ]


def build_migrant_stock(raw_dir: Path, by: str) -> pd.DataFrame:
    src = read_raw(raw_dir, f"undesa_ims2024/un_ims2024_by_{by}.csv")
    src = src[src["year"].isin(UN_YEARS)]
    parts = [
        src[src["is_country"]].assign(area_type="country"),
        src[src["location_code_m49"] == UN_WORLD_M49].assign(
            area_type="world", iso3="WLD", location_name="World"
        ),
    ]
    if by == "origin":
        # Migrants whose origin the UN could not establish (row "OTHER", M49 2003).
        parts.append(
            src[src["location_code_m49"] == UN_OTHER_M49].assign(
                area_type="unknown", iso3="UNK", location_name="Unknown origin"
            )
        )
    df = pd.concat(parts)
    df["location_name"] = clean_name(df["location_name"])
    prefix = "migrants" if by == "destination" else "emigrants"
    df = df.rename(
        columns={
            "location_name": "country",
            "un_continent": "un_region",
            f"{prefix}_total": prefix,
            "population_total_thousands": "population_thousands",
        }
    )
    if sorted(df["year"].unique()) != UN_YEARS:
        sys.exit(f"error: migrant stock by {by}: expected the years {UN_YEARS}")

    # The UN tables add up: countries (+ unknown origin) = world in every year.
    world = df[df["area_type"] == "world"].set_index("year")[prefix]
    parts_sum = df[df["area_type"] != "world"].groupby("year")[prefix].sum()
    if not (world - parts_sum).abs().max() < 1:
        sys.exit(f"error: migrant stock by {by}: rows do not add up to the world total")
    return df


MIGRANT_STOCK_DESTINATION_FIELDS = [
    ISO3,
    country(),
    area_type(
        ["country", "world"], "'country' for a country or area, 'world' for the world total."
    ),
    *un_geography(),
    YEAR,
    field(
        "migrants",
        "integer",
        "International migrants",
        "International migrant stock at mid-year: people living in the country who were born"
        " abroad (or, where only that is known, who are foreign citizens), both sexes.",
        unit="persons",
        minimum=0,
    ),
    field(
        "migrants_female",
        "integer",
        "Female international migrants",
        "Female part of the international migrant stock at mid-year.",
        unit="persons",
        minimum=0,
    ),
    field(
        "migrants_pct_of_population",
        "number",
        "Migrants as % of population",
        "International migrant stock as a percentage of the total population. A few values"
        " are just over 100 because of rounding in the source.",
        unit="percent",
        decimals=3,
        minimum=0,
    ),
    field(
        "population_thousands",
        "number",
        "Total population (thousands)",
        "Total mid-year population (UN World Population Prospects, as used by the table).",
        unit="thousand persons",
        decimals=3,
        minimum=0,
    ),
]

MIGRANT_STOCK_ORIGIN_FIELDS = [
    ISO3,
    country(
        description="Name as written by the publisher; 'Unknown origin' for migrants"
        " whose country of origin is not known."
    ),
    area_type(
        ["country", "world", "unknown"],
        "'country' for a country or area of origin, 'world' for the world total,"
        " 'unknown' for migrants of unknown origin (code UNK).",
    ),
    *un_geography(),
    YEAR,
    field(
        "emigrants",
        "integer",
        "Emigrants living abroad",
        "Number of international migrants born in (or citizens of) this country who live in"
        " another country at mid-year, both sexes.",
        unit="persons",
        minimum=0,
    ),
    field(
        "emigrants_female",
        "integer",
        "Female emigrants living abroad",
        "Female part of the emigrant stock at mid-year.",
        unit="persons",
        minimum=0,
    ),
]


# ----------------------------------------------------------------------------------
# 3. Remittances: KNOMAD June 2023 flows + WDI (2023-05) % of GDP

KNOMAD_AREA = {"WLD": "world", "LMY": "aggregate"}


def blank_leading_zeros(values: pd.Series) -> pd.Series:
    """Zeros before the first positive value mean 'not reported' in KNOMAD: make them NA.

    `values` is one country's series in year order. A series without any positive value
    is all 'not reported', so all its zeros become NA too.
    """
    before_first_positive = ~(values > 0).cummax()
    return values.mask(before_first_positive & (values == 0))


def build_remittances(raw_dir: Path) -> pd.DataFrame:
    df = read_raw(raw_dir, "knomad_remittances/knomad_remittances_2023-06_long.csv")

    # % of GDP from WDI, 2000-2021 only: this vintage's 2022 column is incomplete.
    wdi = read_raw(raw_dir, "worldbank_wdi_remittances/wdi_remittances_2023-05_long.csv")
    wdi = wdi[wdi["year"].between(2000, 2021)]
    wdi = wdi[["iso3", "year", "remit_received_pct_gdp"]].rename(
        columns={"remit_received_pct_gdp": "inflow_pct_gdp"}
    )
    check_unique(wdi, ["iso3", "year"], "WDI remittances")
    df = df.merge(wdi, on=["iso3", "year"], how="left", validate="one_to_one")

    # WDI shows the same 0-for-unreported habit (e.g. Afghanistan 2005-2007 = 0 % of
    # GDP while KNOMAD has no inflow), so every series gets the same treatment.
    df = df.sort_values(["iso3", "year"])
    for col in ["inflow_usd_million", "outflow_usd_million", "inflow_pct_gdp"]:
        before = df[col].isna().sum()
        df[col] = df.groupby("iso3")[col].transform(blank_leading_zeros)
        print(f"  remittances: {df[col].isna().sum() - before} leading zeros in {col} -> missing")

    df["country"] = clean_name(df["country_name"])
    df["area_type"] = df["iso3"].map(KNOMAD_AREA).fillna("country")
    return df


REMITTANCE_FIELDS = [
    ISO3,
    country(),
    area_type(
        ["country", "aggregate", "world"],
        "'country' for a country or area, 'aggregate' for low- and middle-income"
        " countries (LMY), 'world' for the world total (WLD).",
    ),
    YEAR,
    field(
        "inflow_usd_million",
        "number",
        "Remittance inflows (US$ million)",
        "Migrant remittances received, current US$ million (KNOMAD, June 2023). Empty ="
        " not reported; zeros before a country's first positive value were turned into"
        " empty cells because KNOMAD uses 0 for 'not reported'.",
        unit="million current US$",
        decimals=3,
        minimum=0,
    ),
    field(
        "outflow_usd_million",
        "number",
        "Remittance outflows (US$ million)",
        "Migrant remittances paid (sent abroad), current US$ million (KNOMAD, June 2023)."
        " Same zero treatment as inflows. Empty for the WLD and LMY rows.",
        unit="million current US$",
        decimals=3,
        minimum=0,
    ),
    field(
        "inflow_pct_gdp",
        "number",
        "Personal remittances received (% of GDP)",
        "World Development Indicators BX.TRF.PWKR.DT.GD.ZS (vintage 2023-05-10), 2000-2021;"
        " empty for 2022 (incomplete in that vintage) and where the World Bank has no value."
        " Zeros before the first positive value were made empty, as for the flows."
        " It measures personal remittances in the WDI definition, so it is not exactly"
        " inflow_usd_million divided by GDP.",
        unit="percent of GDP",
        decimals=6,
        minimum=0,
    ),
]


# ----------------------------------------------------------------------------------
# 4. Remittance Prices Worldwide, corridor averages


# RPW writes Kosovo as KSV; the World Bank's other tables (and this package) use XKX.
RPW_CODE_FIXES = {"KSV": "XKX"}


def build_remittance_costs(raw_dir: Path) -> pd.DataFrame:
    df = read_raw(raw_dir, "worldbank_rpw/rpw_corridor_average_total_cost_2011Q1_2020Q3.csv")
    if set(df["series_code"]) != {"ATCR.CORR"}:
        sys.exit("error: RPW file holds an unexpected series")
    df = df.rename(columns={"cost_pct_of_200usd": "cost_pct"})
    for side in ["sending", "receiving"]:
        df[f"{side}_country"] = clean_name(df[f"{side}_country"])
        df[f"{side}_iso3"] = df[f"{side}_iso3"].replace(RPW_CODE_FIXES)
    return df


def sending_code(description: str = "ISO3 code of the country the money is sent from.") -> dict:
    return field("sending_iso3", "string", "Sending country code", description,
                 required=True, pattern="^[A-Z]{3}$")


def receiving_code(description: str = "ISO3 code of the country the money is sent to.") -> dict:
    return field("receiving_iso3", "string", "Receiving country code", description,
                 required=True, pattern="^[A-Z]{3}$")


REMITTANCE_COST_FIELDS = [
    sending_code(),
    field(
        "sending_country",
        "string",
        "Sending country",
        "Name as written by the World Bank.",
        required=True,
    ),
    receiving_code(
        "ISO3 code of the country the money is sent to. Two codes are not current ISO"
        " codes: XKX = Kosovo (RPW itself writes KSV; it was changed to XKX, the code of"
        " the other tables) and ANT = Netherlands Antilles (dissolved in 2010).",
    ),
    field(
        "receiving_country",
        "string",
        "Receiving country",
        "Name as written by the World Bank.",
        required=True,
    ),
    YEAR,
    field(
        "quarter",
        "integer",
        "Quarter",
        "Quarter of the survey (1-4).",
        required=True,
        minimum=1,
        maximum=4,
    ),
    field(
        "period",
        "string",
        "Period",
        "Year and quarter as text, e.g. 2016Q2.",
        required=True,
        pattern="^[0-9]{4}Q[1-4]$",
    ),
    field(
        "cost_pct",
        "number",
        "Average total cost (% of US$ 200)",
        "Average total cost of sending the equivalent of US$ 200 in this corridor (fees plus"
        " exchange-rate margin), as % of the amount sent. Rounded to 4 decimals: the source"
        " stores single-precision numbers. Five values are negative as published (an"
        " exchange-rate margin can be negative when a provider's rate beats the reference"
        " rate); they are kept, but treat them with care.",
        unit="percent of amount sent",
        decimals=4,
    ),
]


# ----------------------------------------------------------------------------------
# 4b. Remittance Prices Worldwide 2016Q2-2025Q1: corridor x quarter averages of the
# providers' quotes (a third party's average of the World Bank's complete dataset)

RPW_2025_FILE = "worldbank_rpw_2016_2025/rpw_corridor_quarter_avg_2016Q2_2025Q1.csv"


def build_remittance_costs_2025(raw_dir: Path) -> pd.DataFrame:
    df = read_raw(raw_dir, RPW_2025_FILE)
    parts = df["period"].str.extract(r"^(\d{4})_([1-4])Q$")
    if parts.isna().any().any():
        sys.exit(f"error: {RPW_2025_FILE}: a period is not written like 2016_2Q")
    df["year"], df["quarter"] = parts[0].astype(int), parts[1].astype(int)
    df["period"] = parts[0] + "Q" + parts[1]
    df = df.rename(columns={
        "source_code": "sending_iso3", "source_name": "sending_country",
        "destination_code": "receiving_iso3", "destination_name": "receiving_country",
        "avg_cost_pct_200usd": "cost_pct", "avg_cost_pct_500usd": "cost_pct_500",
        "avg_fx_margin_200usd": "fx_margin_pct", "avg_fx_margin_500usd": "fx_margin_pct_500",
        "num_providers": "providers",
    })
    df = df.sort_values(["year", "quarter"])
    for side in ["sending", "receiving"]:
        df[f"{side}_iso3"] = df[f"{side}_iso3"].replace(RPW_CODE_FIXES)
        # The World Bank renamed some countries on the way (Turkey -> Türkiye, Swaziland
        # -> Eswatini ...): one name per code, the latest, so a group-by gives one row.
        name = clean_name(df[f"{side}_country"])
        df[f"{side}_country"] = name.groupby(df[f"{side}_iso3"]).transform("last")
    return df


REMITTANCE_COST_2025_FIELDS = [
    sending_code(),
    field("sending_country", "string", "Sending country",
          "The World Bank's latest name for the country (e.g. 'Türkiye', 'Czechia').",
          required=True),
    receiving_code("ISO3 code of the country the money is sent to. XKX = Kosovo (RPW itself"
                   " writes KSV; it was changed to XKX, the code of the other tables)."),
    field("receiving_country", "string", "Receiving country",
          "The World Bank's latest name for the country (e.g. 'Eswatini', 'North Macedonia').",
          required=True),
    YEAR,
    field("quarter", "integer", "Quarter", "Quarter of the survey (1-4).",
          required=True, minimum=1, maximum=4),
    field("period", "string", "Period", "Year and quarter as text, e.g. 2016Q2.",
          required=True, pattern="^[0-9]{4}Q[1-4]$"),
    field(
        "cost_pct",
        "number",
        "Average total cost, US$ 200 (%)",
        "Total cost (fees plus exchange-rate margin) of sending the equivalent of US$ 200,"
        " in % of the amount sent: the plain average of the providers surveyed in this"
        " corridor and quarter. A few values are negative or above 30 % as computed from"
        " the published quotes (exchange-rate distortions); treat them with care.",
        unit="percent of amount sent",
        decimals=3,
    ),
    field("cost_pct_500", "number", "Average total cost, US$ 500 (%)",
          "As cost_pct, for sending the equivalent of US$ 500.",
          unit="percent of amount sent", decimals=3),
    field("fx_margin_pct", "number", "Exchange-rate margin, US$ 200 (%)",
          "The part of cost_pct that is the exchange-rate margin (the provider's rate against"
          " the reference rate), average over providers.",
          unit="percent of amount sent", decimals=3),
    field("fx_margin_pct_500", "number", "Exchange-rate margin, US$ 500 (%)",
          "As fx_margin_pct, for sending the equivalent of US$ 500.",
          unit="percent of amount sent", decimals=3),
    field("providers", "integer", "Providers surveyed",
          "Number of provider quotes averaged in this corridor and quarter.",
          required=True, minimum=1),
]


# ----------------------------------------------------------------------------------
# 4c. KNOMAD / World Bank bilateral remittance matrix 2021 (December 2022)

def build_bilateral_remittances(raw_dir: Path) -> pd.DataFrame:
    df = read_raw(raw_dir, "knomad_brm2021/knomad_bilateral_remittance_matrix_2021_long.csv")
    for side in ["sending", "receiving"]:
        df[f"{side}_country"] = clean_name(df[f"{side}_country"])
    df["year"] = 2021
    if not (df["remittances_usd_million"] >= 0).all():
        sys.exit("error: bilateral remittances: a pair is negative")
    # The matrix's WORLD/WORLD cell (781,075.7 US$ million, in the provenance notes).
    total = df["remittances_usd_million"].sum()
    if abs(total - 781_075.7) > 1:
        sys.exit(f"error: bilateral remittances add up to {total:,.1f}, not 781,075.7")
    return df


BILATERAL_REMITTANCE_FIELDS = [
    sending_code("Code of the country where the migrants live and earn (XKX = Kosovo,"
                 " CHI = Channel Islands)."),
    field("sending_country", "string", "Sending country", "Name as written by KNOMAD.",
          required=True),
    receiving_code("Code of the country that receives the money (XKX = Kosovo,"
                   " CHI = Channel Islands)."),
    field("receiving_country", "string", "Receiving country", "Name as written by KNOMAD.",
          required=True),
    YEAR,
    field(
        "remittances_usd_million",
        "number",
        "Estimated remittances (US$ million)",
        "Estimated remittances from the sending to the receiving country in 2021, current"
        " US$ million: an analytical estimate, not an observed transfer. Only pairs above"
        " zero are listed; six of them are below US$ 50 and show as 0.0000.",
        unit="million current US$",
        decimals=4,
        minimum=0,
    ),
]


# ----------------------------------------------------------------------------------
# 4d. World Bank regions and income groups, from the WDI country metadata

def build_country_regions(raw_dir: Path) -> pd.DataFrame:
    df = read_raw(raw_dir, "worldbank_wdi_remittances/wdi_remittances_2023-05_long.csv")
    df = df[~df["is_aggregate"]]
    cols = ["iso3", "country_name", "wb_region", "wb_income_group"]
    df = df[cols].drop_duplicates()
    if df["iso3"].duplicated().any():
        sys.exit("error: WDI gives one country two regions or income groups")
    if df["wb_region"].isna().any():
        sys.exit("error: WDI gives a country no region")
    return df.rename(columns={"country_name": "country"}).assign(
        country=lambda d: clean_name(d["country"]))


COUNTRY_REGION_FIELDS = [
    field("iso3", "string", "Country code",
          "World Bank code: ISO 3166-1 alpha-3, and XKX for Kosovo, CHI for Channel Islands.",
          required=True, pattern="^[A-Z]{3}$"),
    country(description="Name as written by the World Bank."),
    field("wb_region", "string", "World Bank region",
          "One of the World Bank's seven geographic regions, as in the WDI country metadata.",
          required=True, enum=[
              "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean",
              "Middle East & North Africa", "North America", "South Asia", "Sub-Saharan Africa",
          ]),
    field("wb_income_group", "string", "World Bank income group",
          "Income group as in the WDI country metadata; empty where the World Bank gives"
          " none (Venezuela is unclassified).",
          enum=["Low income", "Lower middle income", "Upper middle income", "High income"]),
]


# ----------------------------------------------------------------------------------
# 5-6. UNHCR population statistics, by country of asylum and of origin

UNHCR_AREA = {"UNK": "unknown", "XXA": "other", "TIB": "other"}
UNHCR_COUNTS = ["refugees", "asylum_seekers", "idps", "stateless", "oip"]


def build_refugees(raw_dir: Path, by: str) -> pd.DataFrame:
    df = read_raw(raw_dir, f"unhcr_refugees/unhcr_population_by_country_of_{by}.csv")
    df = df[df["year"].between(2000, 2025)].copy()
    df["country"] = clean_name(df["country_name"])
    df["area_type"] = df["iso3"].map(UNHCR_AREA).fillna("country")
    return df


def refugee_fields(by: str) -> list[dict]:
    where = "hosted in" if by == "asylum" else "originating from"
    return [
        field(
            "iso3",
            "string",
            "ISO3 code",
            "ISO 3166-1 alpha-3 code; UNK = unknown"
            + ("; XXA = stateless, TIB = Tibetan (UNHCR group codes)." if by == "origin" else "."),
            required=True,
            pattern="^[A-Z]{3}$",
        ),
        country(
            title="Country of " + by,
            description="Name as written by UNHCR ('Unknown' for code UNK).",
        ),
        area_type(
            ["country", "unknown", "other"],
            "'country' for a country or territory, 'unknown' for code UNK, 'other' for"
            " UNHCR groups that are not countries (XXA stateless, TIB Tibetan).",
        ),
        YEAR,
        field(
            "refugees",
            "integer",
            "Refugees under UNHCR's mandate",
            f"Refugees under UNHCR's mandate {where} this country at the end of the year."
            " Excludes Palestine refugees under UNRWA's mandate.",
            unit="persons",
            minimum=0,
        ),
        field(
            "asylum_seekers",
            "integer",
            "Asylum-seekers",
            f"People whose asylum claim is pending, {where} this country, end of year.",
            unit="persons",
            minimum=0,
        ),
        field(
            "idps",
            "integer",
            "Internally displaced people",
            "Conflict-related internally displaced people protected or assisted by UNHCR"
            " (origin and asylum are the same country), end of year.",
            unit="persons",
            minimum=0,
        ),
        field(
            "stateless",
            "integer",
            "Stateless people",
            f"Stateless people (or of undetermined nationality) {where} this country, end of year.",
            unit="persons",
            minimum=0,
        ),
        field(
            "oip",
            "integer",
            "Other people in need of international protection",
            "People outside their country who need international protection but are not"
            " counted as refugees or asylum-seekers. Empty where UNHCR gives no figure:"
            " always before 2018. 2018-2024 cover only Venezuelans displaced abroad; 2025"
            " adds Afghans and people of unknown origin.",
            unit="persons",
            minimum=0,
        ),
    ]


# ----------------------------------------------------------------------------------
# The tables and their metadata

UNHCR_SOURCE = {
    "title": "UNHCR Refugee Population Statistics Database (Refugee Data Finder), via the"
    " UNHCR R package 'refugees' version 2025.12.1",
    "path": "https://www.unhcr.org/refugee-statistics/",
    "version": "refugees 2025.12.1 (Global Trends 2025 release)",
    "year": 2025,
}
UNHCR_CITATION = (
    "UNHCR, the UN Refugee Agency. Refugee Population Statistics Database,"
    " https://www.unhcr.org/refugee-statistics/ (data as in the UNHCR R package"
    " 'refugees' version 2025.12.1). Licence: CC BY 4.0. Curated extract by country of {by},"
    " 2000-2025, for the course Migration and Local Development."
)
UNHCR_CAVEATS = (
    " Refugees are those under UNHCR's mandate: Palestine refugees under UNRWA's mandate"
    " (about 6 million) are NOT included. Figures are end-of-year stocks; 0 can mean zero or"
    " not reported. Summing refugees over all rows of one year gives the world total of"
    " refugees under UNHCR's mandate (31.0 million in 2024)."
)

TABLES = [
    {
        "name": "migrant_stock_by_destination",
        "title": (
            "International migrant stock by country of destination, 1990-2024 "
            "(UN DESA Rev.2024)"
        ),
        "description": (
            "One row per country or area of destination and year (1990, 1995, 2000, 2005, 2010,"
            " 2015, 2020, 2024; mid-year), plus one world row (iso3 WLD). Counts are persons."
            " Regions and income groups of the UN tables are left out; the country rows add up"
            " to the world row. Rev.2024 revised the past: the world figure for 2020 is 275.3"
            " million here, while Rev.2020 published about 281 million, so quote numbers with"
            " their revision and do not mix revisions. Channel Islands use the non-ISO code CHI."
        ),
        "build": lambda raw: build_migrant_stock(raw, "destination"),
        "fields": MIGRANT_STOCK_DESTINATION_FIELDS,
        "primaryKey": ["iso3", "year"],
        "sources": [UNDESA_SOURCE],
        "licenses": [CC_BY_3_IGO],
        "citation": UNDESA_CITATION.format(extra=""),
    },
    {
        "name": "migrant_stock_by_origin",
        "title": "International migrant stock by country of origin, 1990-2024 (UN DESA Rev.2024)",
        "description": (
            "One row per country or area of origin and year (1990-2024, the same eight mid-year"
            " points), plus the world row (WLD) and a row for migrants of unknown origin (UNK)."
            " Counts are persons living outside their country of birth (or citizenship)."
            " Countries plus unknown origin add up to the world row; the unknown-origin group is"
            " large (about 22 million in 2024), so the countries alone are less than the world."
            " Rev.2024 revised the past (world 2020: 275.3 million, not the 281 million of"
            " Rev.2020). Channel Islands use the non-ISO code CHI."
        ),
        "build": lambda raw: build_migrant_stock(raw, "origin"),
        "fields": MIGRANT_STOCK_ORIGIN_FIELDS,
        "primaryKey": ["iso3", "year"],
        "sources": [UNDESA_SOURCE],
        "licenses": [CC_BY_3_IGO],
        "citation": UNDESA_CITATION.format(extra=", unknown origin"),
    },
    {
        "name": "remittances",
        "title": (
            "Migrant remittance inflows and outflows, 2000-2022 (World Bank-KNOMAD, June 2023)"
        ),
        "description": (
            "One row per country (or aggregate) and year, 2000-2022. Flows are current US$"
            " million from the World Bank-KNOMAD June 2023 release; the rows WLD (world) and"
            " LMY (low- and middle-income countries) are aggregates with inflows only."
            " KNOMAD writes 0 where nothing was reported, so zeros before a country's first"
            " positive value were turned into missing values (per series); later zeros were"
            " kept. inflow_pct_gdp comes from the World Development Indicators (vintage"
            " 2023-05-10) for 2000-2021 (same zero treatment); the 2022 values of that vintage"
            " are incomplete and were left out. Venezuela is not in the aggregates (no data)."
            " Non-ISO codes:"
            " CHI Channel Islands, XKX Kosovo."
        ),
        "build": build_remittances,
        "fields": REMITTANCE_FIELDS,
        "primaryKey": ["iso3", "year"],
        "sources": [
            {
                "title": "World Bank-KNOMAD: Remittance inflows and outflows (US$ million)",
                "path": "https://www.knomad.org/data/remittances",
                "version": "June 2023",
                "year": 2023,
            },
            {
                "title": "World Bank: World Development Indicators, BX.TRF.PWKR.DT.GD.ZS"
                " (Personal remittances, received, % of GDP)",
                "path": "https://data.worldbank.org/indicator/BX.TRF.PWKR.DT.GD.ZS",
                "version": "Last updated 2023-05-10",
                "year": 2023,
            },
        ],
        "licenses": [CC_BY_4],
        "citation": (
            "World Bank-KNOMAD (2023). Remittance inflows and outflows, June 2023."
            " https://www.knomad.org/data/remittances. Share of GDP: World Bank (2023), World"
            " Development Indicators, BX.TRF.PWKR.DT.GD.ZS, last updated 2023-05-10."
            " Licence: CC BY 4.0. Curated for the course Migration and Local Development."
        ),
    },
    {
        "name": "remittance_costs",
        "title": (
            "Cost of sending US$ 200 by corridor, 2011Q1-2020Q3"
            " (World Bank, Remittance Prices Worldwide)"
        ),
        "description": (
            "One row per corridor (sending country -> receiving country) and survey quarter:"
            " the average total cost of sending US$ 200, in % of the amount sent. Surveys were"
            " twice a year in 2011-2012 (Q1, Q3) and quarterly from 2013; this export stops in"
            " 2020Q3. The plain (unweighted) mean over corridors is close to, but not the same"
            " as, the official RPW global average, which is computed at the level of remittance"
            " service providers. The SDG 10.c target is 3 %. Names and codes are the World"
            " Bank's (e.g. 'Turkey', 'Ivory Coast'), except Kosovo: RPW writes KSV, this"
            " table uses XKX like the other tables. Netherlands Antilles keeps its old code ANT."
        ),
        "build": build_remittance_costs,
        "fields": REMITTANCE_COST_FIELDS,
        "primaryKey": ["sending_iso3", "receiving_iso3", "year", "quarter"],
        "sources": [
            {
                "title": "World Bank: Remittance Prices Worldwide (Corridors), series ATCR.CORR"
                " 'Average Total Cost to remit in corridor'",
                "path": "https://remittanceprices.worldbank.org",
                "version": "DataBank export, last updated 12/07/2020",
                "year": 2020,
            }
        ],
        "licenses": [CC_BY_4],
        "citation": (
            "World Bank. Remittance Prices Worldwide, corridor series ATCR.CORR (DataBank,"
            " last updated 12/07/2020). https://remittanceprices.worldbank.org. Licence:"
            " CC BY 4.0. Curated for the course Migration and Local Development."
        ),
    },
    {
        "name": "remittance_costs_2016_2025",
        "title": (
            "Cost of sending US$ 200 and US$ 500 by corridor, 2016Q2-2025Q1"
            " (World Bank, Remittance Prices Worldwide)"
        ),
        "description": (
            "One row per corridor (sending country -> receiving country) and quarter,"
            " 2016Q2-2025Q1: the plain average, over the providers surveyed, of the total cost"
            " of sending US$ 200 and US$ 500, with its exchange-rate part. The averages were"
            " computed from the World Bank's complete RPW dataset (2011-2025 Q1) outside the"
            " World Bank; they are not a World Bank series. CAVEATS: (1) Not the official RPW"
            " global average (6.18 % in 2023Q3), which the World Bank computes over all its"
            " corridors and providers; a mean over the rows of this table is a different"
            " statistic. (2) Only corridors where the sender or the receiver is one of 47"
            " countries are kept: 299 corridors, 279-298 per quarter, of RPW's 367. There are"
            " no Tunisia corridors; Morocco only from Germany; Senegal only from France and"
            " Italy; El Salvador, Ecuador, Costa Rica, Guatemala and Honduras only from the"
            " United States. (3) No split by kind of provider (banks, money transfer"
            " operators). (4) 14 values are negative and 48 above 30 % (exchange-rate"
            " distortions): flag or leave them out. (5) In 2016-2020 most corridor values"
            " agree with the table remittance_costs (an official DataBank series), but the two"
            " tables cover different corridors, so their averages differ (2020: 6.98 % there,"
            " 6.76 % here); do not join the two into one line. Kosovo is XKX (RPW writes KSV)."
        ),
        "build": build_remittance_costs_2025,
        "fields": REMITTANCE_COST_2025_FIELDS,
        "primaryKey": ["sending_iso3", "receiving_iso3", "year", "quarter"],
        "sources": [
            {
                "title": "World Bank: Remittance Prices Worldwide, complete dataset"
                " (rpw_dataset_2011_2025_q1.xlsx, sheet 'Dataset (from Q2 2016)'),"
                " averaged over providers per corridor and quarter",
                "path": "https://remittanceprices.worldbank.org",
                "version": "2025 Q1",
                "year": 2025,
            }
        ],
        "licenses": [CC_BY_4],
        "citation": (
            "World Bank. Remittance Prices Worldwide, complete dataset 2011-2025 Q1."
            " https://remittanceprices.worldbank.org. Licence: CC BY 4.0. Corridor averages"
            " over providers, curated for the course Migration and Local Development."
        ),
    },
    {
        "name": "bilateral_remittances_2021",
        "title": (
            "Estimated remittances between pairs of countries, 2021"
            " (KNOMAD/World Bank Bilateral Remittance Matrix 2021)"
        ),
        "description": (
            "One row per pair of countries (sending -> receiving) with estimated remittances"
            " above zero in 2021, current US$ million. CAVEATS: (1) These are analytical"
            " estimates (method of Ratha and Shaw, 2007), not officially reported transfers:"
            " each receiving country's reported inflow is split across sending countries in"
            " proportion to its migrants there and to incomes. (2) So the sums by receiving"
            " country match reported inflows, but the sums by sending country are NOT"
            " reported outflows (the United States sums to about 200 billion, while the"
            " balance of payments shows about 80 billion). (3) Informal channels are not"
            " captured. Venezuela is unclassified; Lebanon-Israel and Azerbaijan-Armenia are"
            " set to zero by KNOMAD. The pairs add up to 781,075.7 US$ million, the matrix's"
            " world total. Non-ISO codes: XKX Kosovo, CHI Channel Islands."
        ),
        "build": build_bilateral_remittances,
        "fields": BILATERAL_REMITTANCE_FIELDS,
        "primaryKey": ["sending_iso3", "receiving_iso3", "year"],
        "sources": [
            {
                "title": "KNOMAD/World Bank: Bilateral Remittance Matrix 2021",
                "path": "https://www.knomad.org/data/remittances",
                "version": "December 2022",
                "year": 2022,
            }
        ],
        "licenses": [CC_BY_4],
        "citation": (
            "KNOMAD/World Bank Bilateral Remittance Matrix 2021, December 2022."
            " https://www.knomad.org/data/remittances. Licence: CC BY 4.0 (World Bank open"
            " data terms; not stated in the file). Curated for the course Migration and Local"
            " Development."
        ),
    },
    {
        "name": "refugees_by_asylum",
        "title": (
            "Refugees and other forcibly displaced people by country of asylum, 2000-2025 "
            "(UNHCR)"
        ),
        "description": (
            "One row per country of asylum (where people are) and year, 2000-2025, with UNHCR's"
            " population groups in persons. The row UNK holds people whose country of asylum is"
            " unknown." + UNHCR_CAVEATS
        ),
        "build": lambda raw: build_refugees(raw, "asylum"),
        "fields": refugee_fields("asylum"),
        "primaryKey": ["iso3", "year"],
        "sources": [UNHCR_SOURCE],
        "licenses": [CC_BY_4],
        "citation": UNHCR_CITATION.format(by="asylum"),
    },
    {
        "name": "refugees_by_origin",
        "title": (
            "Refugees and other forcibly displaced people by country of origin, 2000-2025 "
            "(UNHCR)"
        ),
        "description": (
            "One row per country of origin (where people come from) and year, 2000-2025, with"
            " UNHCR's population groups in persons. UNHCR also lists groups that are not"
            " countries: UNK (unknown origin), XXA (stateless) and TIB (Tibetan)." + UNHCR_CAVEATS
        ),
        "build": lambda raw: build_refugees(raw, "origin"),
        "fields": refugee_fields("origin"),
        "primaryKey": ["iso3", "year"],
        "sources": [UNHCR_SOURCE],
        "licenses": [CC_BY_4],
        "citation": UNHCR_CITATION.format(by="origin"),
    },
    {
        "name": "country_regions",
        "title": "World Bank regions and income groups of countries (WDI, May 2023)",
        "description": (
            "One row per country or economy: its World Bank region and income group, as in"
            " the country metadata of the World Development Indicators (vintage 2023-05-10)."
            " Use it to group the rows of the other tables by region, for example the"
            " receiving countries of remittance_costs (toolbox_widgets.trainee.data.region_of"
            " does this). It lists the 203 economies that have remittance data in that vintage;"
            " a few small territories are missing (for example Puerto Rico, Guam, Greenland,"
            " Liechtenstein, Monaco, the Channel Islands, the Isle of Man and North Korea)."
            " Kosovo is XKX. Income groups change every 1 July: these are the groups of that"
            " vintage."
        ),
        "build": build_country_regions,
        "fields": COUNTRY_REGION_FIELDS,
        "primaryKey": ["iso3"],
        "sources": [
            {
                "title": "World Bank: World Development Indicators, country metadata (region"
                " and income group)",
                "path": "https://datahelpdesk.worldbank.org/knowledgebase/articles/"
                "906519-world-bank-country-and-lending-groups",
                "version": "Last updated 2023-05-10",
                "year": 2023,
            }
        ],
        "licenses": [CC_BY_4],
        "citation": (
            "World Bank (2023). World Development Indicators, country metadata (regions and"
            " income groups), last updated 2023-05-10. https://datahelpdesk.worldbank.org/"
            "knowledgebase/articles/906519-world-bank-country-and-lending-groups. Licence:"
            " CC BY 4.0. Curated for the course Migration and Local Development."
        ),
    },
]

PACKAGE = {
    "profile": "tabular-data-package",
    "name": "migration-local-development-data",
    "title": "Migration and Local Development: curated course data",
    "description": (
        "Small, tidy tables on international migrant stocks, remittance flows and costs,"
        " forcibly displaced people and World Bank regions, curated for the open e-course"
        " Migration and Local"
        " Development. Each table comes from one official publisher, keeps the publisher's"
        " values and names, and carries its own source, licence and citation: please cite"
        " the publisher, not this package. Rebuild with: python tools/curate_data.py"
        " PATH_TO_RAW. See README.md in this folder."
    ),
    "keywords": ["migration", "remittances", "refugees", "migrant stock", "course data"],
    "licenses": [CC_BY_4, CC_BY_3_IGO],
}


def resource_descriptor(table: dict) -> dict:
    fields = [{k: v for k, v in f.items() if k != "_decimals"} for f in table["fields"]]
    return {
        "profile": "tabular-data-resource",
        "name": table["name"],
        "path": table["name"] + ".csv",
        "title": table["title"],
        "description": table["description"],
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "sources": table["sources"],
        "licenses": table["licenses"],
        "citation": table["citation"],
        "schema": {
            "fields": fields,
            "primaryKey": table["primaryKey"],
            "missingValues": [""],
        },
    }


COURSE_MADE = ("municipal_profile_sample",)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="folder holding the shared raw files")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder (default: data/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    for table in TABLES:
        df = table["build"](args.raw_dir)
        keys = table["primaryKey"]
        check_unique(df, keys, table["name"])
        df = df.sort_values(keys).reset_index(drop=True)
        path = args.out / (table["name"] + ".csv")
        write_table(df, table["fields"], path)
        print(f"wrote {path.name}: {len(df)} rows, {path.stat().st_size:,} bytes")

    # Tables the course makes itself (no raw file: the synthetic sample municipality) keep
    # their description from the package being replaced.
    old = args.out / "datapackage.json"
    kept = ([r for r in json.loads(old.read_text(encoding="utf-8"))["resources"]
             if r["name"] in COURSE_MADE] if old.exists() else [])
    package = dict(PACKAGE, resources=[resource_descriptor(t) for t in TABLES] + kept)
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    (args.out / "datapackage.json").write_text(text, encoding="utf-8", newline="\n")
    print("wrote datapackage.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
