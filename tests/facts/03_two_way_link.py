"""Figures in the text of Core notebook 3, recomputed from the course data."""

from toolbox_widgets import data

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


def _rank_corr_totals() -> str:
    corr = _two_way()[["emigrants", "inflow_usd_million"]].rank().corr().iloc[0, 1]
    return f"about {corr:.1f}"


def _rank_corr_shares() -> str:
    shares = _two_way().dropna(subset=["inflow_pct_gdp"])
    corr = shares[["emig_per_100", "inflow_pct_gdp"]].rank().corr().iloc[0, 1]
    return f"about {corr:.1f}"


def _nepal(column: str, year: int) -> float:
    if column == "emigrants":
        table = data.migrant_stock(by="origin")
    else:
        table = data.remittances()
    return float(table.query("iso3 == 'NPL' and year == @year")[column].iloc[0])


def _quarter_of_gdp(iso3: str) -> str:
    rem = data.remittances()
    pct = float(rem.query("iso3 == @iso3 and year == @YEAR")["inflow_pct_gdp"].iloc[0])
    return "about a quarter of GDP" if 22 <= pct <= 28 else f"{pct:.0f}% of GDP"


def _costa_rica() -> str:
    row = _two_way().query("iso3 == 'CRI'").iloc[0]
    ratio = float(row["migrants"]) / float(row["emigrants"])
    return "far more **immigrants** than emigrants" if ratio >= 5 else f"{ratio:.1f} times"


def _nepal_remittance_growth() -> str:
    ratio = _nepal("inflow_usd_million", 2020) / _nepal("inflow_usd_million", 2000)
    return f"more than {int(ratio // 10 * 10)} times"


FACTS = [
    ("printed a rank correlation of about 0.8", _rank_corr_totals),
    ("the rank correlation drops to about 0.4", _rank_corr_shares),
    ("about 0.7 million emigrants in 2000",
     lambda: f"about {_nepal('emigrants', 2000) / 1e6:.1f} million emigrants in 2000"),
    ("to about 2.4 million in 2020",
     lambda: f"about {_nepal('emigrants', 2020) / 1e6:.1f} million in 2020"),
    ("from about US$ 0.1 billion to about US$ 8.1 billion, more than 70 times",
     lambda: (f"from about US$ {_nepal('inflow_usd_million', 2000) / 1000:.1f} billion to about "
              f"US$ {_nepal('inflow_usd_million', 2020) / 1000:.1f} billion, "
              + _nepal_remittance_growth())),
    (("In El Salvador, the table shows many emigrants per 100 residents and remittances worth "
      "about a quarter of GDP"), lambda: _quarter_of_gdp("SLV")),
    ("with remittances worth about a quarter of GDP (the table above)",
     lambda: _quarter_of_gdp("NPL")),
    ("Costa Rica is the opposite case: it has far more **immigrants** than emigrants", _costa_rica),
]
