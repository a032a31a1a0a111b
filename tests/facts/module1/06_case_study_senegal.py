"""Figures in the text of Module 1 notebook 6 (case study: Senegal's territorial migration
profiles), recomputed from the course data or cited."""

from fact_rules import Cited

from toolbox_widgets import data

# Quoted from publications (not in data/), with their publisher.
SDG_BELOW = Cited("below 3%", "SDG target 10.c (UN Statistics Division metadata)")
SDG_CEILING = Cited("above 5%", "SDG target 10.c: no corridor above 5%")
SDG_CEILING_PCT = 5  # same target: no corridor above 5%


def _origin(year: int, column: str = "emigrants") -> float:
    table = data.migrant_stock(by="origin")
    return float(table.query("iso3 == 'SEN' and year == @year")[column].iloc[0])


def _immigrants(year: int = 2024) -> float:
    table = data.migrant_stock(by="destination")
    return float(table.query("iso3 == 'SEN' and year == @year")["migrants"].iloc[0])


def _remittances(year: int, column: str = "inflow_usd_million") -> float:
    table = data.remittances()
    value = float(table.query("iso3 == 'SEN' and year == @year")[column].iloc[0])
    return value * 1e6 if column == "inflow_usd_million" else value


def _matrix_total() -> float:
    pairs = data.bilateral_remittances()
    return float(pairs[pairs["receiving_iso3"] == "SEN"]["remittances_usd_million"].sum()) * 1e6


def _cost(sender: str, year: int) -> float:
    costs = data.remittance_costs(years="2016-2025")
    rows = costs.query("receiving_iso3 == 'SEN' and sending_iso3 == @sender and year == @year")
    return float(rows["cost_pct"].mean())


FACTS = [
    ("About 741 thousand people born in Senegal lived abroad in mid-2024", "About 741 thousand",
     lambda: _origin(2024)),
    ("more than twice as many as in 1990", "more than twice as",
     lambda: _origin(2024) / _origin(1990)),
    ("about 37% of them were women and girls", "about 37%",
     lambda: _origin(2024, "emigrants_female") / _origin(2024) * 100),
    ("Senegal also hosts about 282 thousand migrants", "about 282 thousand", _immigrants),
    ("Recorded remittances grew about ten times between 2000 and 2018", "about ten times",
     lambda: _remittances(2018) / _remittances(2000)),
    ("the table gives exactly USD 2,500 million for 2019, 2020, 2021 and 2022",
     "USD 2,500 million", lambda: [_remittances(y) for y in (2019, 2020, 2021, 2022)]),
    ("The share of GDP reads about 10.5% in 2018 and 2020 but 0.6% in 2019", "about 10.5%",
     lambda: [_remittances(y, "inflow_pct_gdp") for y in (2018, 2020)]),
    ("The share of GDP reads about 10.5% in 2018 and 2020 but 0.6% in 2019", "0.6%",
     lambda: _remittances(2019, "inflow_pct_gdp")),
    ("spreads an estimated total of about USD 2,658 million", "about USD 2,658 million",
     _matrix_total),
    ("the June 2023 inflow table says USD 2,500 million for the same year", "USD 2,500 million",
     lambda: _remittances(2021)),
    ("asks that by 2030 the cost fall below 3%, with no corridor above 5%", "below 3%", SDG_BELOW),
    ("asks that by 2030 the cost fall below 3%, with no corridor above 5%", "above 5%",
     SDG_CEILING),
    ("from France to Senegal cost about 5.1% on average in 2016", "about 5.1%",
     lambda: _cost("FRA", 2016)),
    ("and about 3.6% in 2024, close to the 3% target", "about 3.6%", lambda: _cost("FRA", 2024)),
    ("and about 3.6% in 2024, close to the 3% target", "3%", 3),
    ("from Italy it cost about 5.7% in 2016", "about 5.7%", lambda: _cost("ITA", 2016)),
    ("and about 6.1% in 2024, above the 5% ceiling", "about 6.1%", lambda: _cost("ITA", 2024)),
    ("and about 6.1% in 2024, above the 5% ceiling", "5%", SDG_CEILING_PCT),
    ("in a country with about 741 thousand people abroad", "about 741 thousand",
     lambda: _origin(2024)),
]
