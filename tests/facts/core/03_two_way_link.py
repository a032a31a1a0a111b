"""Figures in the text of Core notebook 3, recomputed from the course data."""

from fact_rules import Cited

from toolbox_widgets import data

# Quoted from project documents (not in data/), with their publisher.
LA_UNION_OVERSEAS_PCT = 6.2  # La Union M&D Strategic Plan 2012-2016: residents aged 20+ overseas
LA_UNION_AGE = 20  # same plan: the age from which residents are counted
LA_UNION_INCOME = Cited("about one fifth", "La Union M&D Strategic Plan 2012-2016")
MORAZAN_YOUTH_PCT = 72  # UNDP El Salvador, story on ADEL Morazan (JMDI preliminary study)

YEAR = 2020


def _two_way():
    """Countries with an emigrant stock and a recorded remittance inflow in 2020, as in the
    notebook: UN DESA by origin x World Bank-KNOMAD x UN DESA residents by destination."""
    origin = data.migrant_stock(by="origin")
    rem = data.remittances()
    dest = data.migrant_stock(by="destination")
    emig = origin[(origin["year"] == YEAR) & (origin["area_type"] == "country")]
    flows = rem[(rem["year"] == YEAR) & (rem["area_type"] == "country")]
    residents = dest[(dest["year"] == YEAR) & (dest["area_type"] == "country")]
    table = (emig[["iso3", "emigrants"]]
             .merge(flows[["iso3", "inflow_usd_million", "inflow_pct_gdp"]], on="iso3")
             .merge(residents[["iso3", "population_thousands", "migrants"]], on="iso3"))
    table = table.dropna(subset=["emigrants", "inflow_usd_million"])
    table = table[(table["emigrants"] > 0) & (table["inflow_usd_million"] > 0)].copy()
    table["emigrants"] = table["emigrants"].astype(float)
    table["emig_per_100"] = table["emigrants"] / (table["population_thousands"] * 1000) * 100
    return table


def _rank_corr(columns: list[str]) -> float:
    table = _two_way().dropna(subset=columns)
    return float(table[columns].rank().corr().iloc[0, 1])


def _nepal(column: str, year: int) -> float:
    if column == "emigrants":
        table = data.migrant_stock(by="origin")
    else:
        table = data.remittances()
    return float(table.query("iso3 == 'NPL' and year == @year")[column].iloc[0])


def _share_of_gdp(iso3: str) -> float:
    rem = data.remittances()
    return float(rem.query("iso3 == @iso3 and year == @YEAR")["inflow_pct_gdp"].iloc[0]) / 100


def _costa_rica() -> str:
    row = _two_way().query("iso3 == 'CRI'").iloc[0]
    ratio = float(row["migrants"]) / float(row["emigrants"])
    return "far more **immigrants** than emigrants" if ratio >= 5 else f"{ratio:.1f} times"


FACTS = [
    ("reported that about 6.2% of residents aged 20 and over", "about 6.2%",
     LA_UNION_OVERSEAS_PCT),
    ("reported that about 6.2% of residents aged 20 and over", "20", LA_UNION_AGE),
    ("remittances made up roughly one fifth of household income", "roughly one fifth",
     LA_UNION_INCOME),
    ("found that 72% of local young people were considering emigrating", "72%",
     MORAZAN_YOUTH_PCT),
    ("printed a rank correlation of about 0.8", "about 0.8",
     lambda: _rank_corr(["emigrants", "inflow_usd_million"])),
    ("the rank correlation drops to about 0.4", "about 0.4",
     lambda: _rank_corr(["emig_per_100", "inflow_pct_gdp"])),
    ("about 0.7 million emigrants in 2000", "about 0.7 million",
     lambda: _nepal("emigrants", 2000)),
    ("to about 2.4 million in 2020", "about 2.4 million", lambda: _nepal("emigrants", 2020)),
    ("from about US$ 0.11 billion to about US$ 8.1 billion, more than 70 times",
     "about US$ 0.11 billion", lambda: _nepal("inflow_usd_million", 2000) * 1e6),
    ("from about US$ 0.11 billion to about US$ 8.1 billion, more than 70 times",
     "about US$ 8.1 billion", lambda: _nepal("inflow_usd_million", 2020) * 1e6),
    ("from about US$ 0.11 billion to about US$ 8.1 billion, more than 70 times",
     "more than 70 times",
     lambda: _nepal("inflow_usd_million", 2020) / _nepal("inflow_usd_million", 2000)),
    (("In El Salvador, the table shows many emigrants per 100 residents and remittances worth "
      "about a quarter of GDP"), "about a quarter", lambda: _share_of_gdp("SLV")),
    ("with remittances worth about a quarter of GDP (the table above)", "about a quarter",
     lambda: _share_of_gdp("NPL")),
    ("Costa Rica is the opposite case: it has far more **immigrants** than emigrants", _costa_rica),
]
