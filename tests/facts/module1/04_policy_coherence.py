"""Figures in the text of Module 1 notebook 4, recomputed from the course data."""

from fact_rules import Threshold

from toolbox_widgets import data

JMDI = {"CRI": "Costa Rica", "ECU": "Ecuador", "SLV": "El Salvador", "MAR": "Morocco",
        "NPL": "Nepal", "PHL": "Philippines", "SEN": "Senegal", "TUN": "Tunisia"}
TARGET, CEILING = 3, 5  # SDG target 10.c (United Nations, 2030 Agenda)
_SDG = ("SDG target 10.c asks countries to bring the cost of sending remittances below 3%, and to "
        "remove corridors that cost more than 5%")


def _average_cost(iso3: str, year: int, sender: str | None = None) -> float:
    costs = data.remittance_costs(years="2016-2025")
    rows = costs[(costs["receiving_iso3"] == iso3) & (costs["year"] == year)]
    if sender:
        rows = rows[rows["sending_iso3"] == sender]
    return float(rows["cost_pct"].mean())


def _tracked() -> list[str]:
    costs = data.remittance_costs(years="2016-2025")
    return sorted(set(costs.loc[costs["year"] == 2024, "receiving_iso3"]) & set(JMDI))


def _largest_fall() -> str:
    falls = {code: _average_cost(code, 2016) - _average_cost(code, 2024) for code in _tracked()}
    return f"{JMDI[max(falls, key=falls.get)]}'s fell the most since 2016"


def _per_100(iso3: str, column: str) -> float:
    dest = data.migrant_stock(by="destination").query("year == 2024 and iso3 == @iso3")
    residents = float(dest["population_thousands"].iloc[0]) * 1000
    if column == "immigrants":
        return float(dest["migrants"].iloc[0]) / residents * 100
    origin = data.migrant_stock(by="origin").query("year == 2024 and iso3 == @iso3")
    return float(origin["emigrants"].iloc[0]) / residents * 100


FACTS = [
    (_SDG, "3%", Threshold(TARGET)),
    (_SDG, "5%", Threshold(CEILING)),
    ("In 2024 no country's average was below 3%", "3%",
     Threshold(TARGET, lambda: all(_average_cost(c, 2024) >= TARGET for c in _tracked()))),
    ("Morocco's fell the most since 2016", _largest_fall),
    ("from about 8.6% to about 5.2%", "about 8.6%", lambda: _average_cost("MAR", 2016)),
    ("from about 8.6% to about 5.2%", "about 5.2%", lambda: _average_cost("MAR", 2024)),
    ("sending from Italy cost about 6.1% in 2024", "about 6.1%",
     lambda: _average_cost("SEN", 2024, "ITA")),
    ("from France about 3.6%", "about 3.6%", lambda: _average_cost("SEN", 2024, "FRA")),
    ("El Salvador has about 29 emigrants living abroad for every 100", "about 29",
     lambda: _per_100("SLV", "emigrants")),
    ("with about 12 immigrants per 100 residents", "about 12",
     lambda: _per_100("CRI", "immigrants")),
]
