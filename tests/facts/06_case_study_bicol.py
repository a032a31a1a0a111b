"""Figures in the text of Core notebook 6 (case study: Naga City and Bicol), recomputed from the
course data."""

from toolbox_widgets import data

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _emigrants(column: str = "emigrants", year: int = 2024) -> float:
    origin = data.migrant_stock(by="origin")
    return float(origin.query("iso3 == 'PHL' and year == @year")[column].iloc[0])


def _inflows():
    rem = data.remittances()
    return rem[rem["iso3"] == "PHL"].set_index("year")


def _cost(year: int) -> float:
    costs = data.remittance_costs()
    return float(costs.query("receiving_iso3 == 'PHL' and year == @year")["cost_pct"].mean())


def _times_2000_2022() -> str:
    inflow = _inflows()["inflow_usd_million"]
    return f"more than {WORDS[int(float(inflow[2022]) / float(inflow[2000]))]} times"


FACTS = [
    ("about 7.0 million people born in the Philippines lived abroad in mid-2024",
     lambda: f"about {_emigrants() / 1e6:.1f} million"),
    ("women are about 57% of them",
     lambda: f"about {_emigrants('emigrants_female') / _emigrants() * 100:.0f}%"),
    ("recorded remittances to the Philippines grew more than five times between 2000 and 2022",
     _times_2000_2022),
    ("about 9.3% of GDP in 2021",
     lambda: f"about {float(_inflows().loc[2021, 'inflow_pct_gdp']):.1f}% of GDP in 2021"),
    ("fell from about 6.3% in 2011 to about 4.5% in 2020",
     lambda: f"from about {_cost(2011):.1f}% in 2011 to about {_cost(2020):.1f}% in 2020"),
    ("a country with about 7 million people abroad",
     lambda: f"about {round(_emigrants() / 1e6)} million"),
]
