"""Figures in the text of Core notebook 7 (the glossary), recomputed from the course data."""

from toolbox_widgets import data

UNHCR_DISPLACED_2023_MILLION = 117.3  # UNHCR, Global Trends 2023, as stated on unhcr.org (not in data/)


def _world_stock_2024() -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == 'WLD' and year == 2024")["migrants"].iloc[0])


def _usa_mex_2020() -> float:
    costs = data.remittance_costs()
    corridor = costs.query("sending_iso3 == 'USA' and receiving_iso3 == 'MEX' and year == 2020")
    return float(corridor["cost_pct"].mean())


def _displaced_2024(column: str) -> float:
    refugees = data.refugees(by="asylum")
    return float(refugees.loc[refugees["year"] == 2024, column].sum())


FACTS = [
    ("about 304 million international migrants",
     lambda: f"about {round(_world_stock_2024() / 1e6)} million"),
    ("cost about 4.1% of the amount sent",
     lambda: f"about {_usa_mex_2020():.1f}%"),
    ("about 31 million refugees under its mandate",
     lambda: f"about {round(_displaced_2024('refugees') / 1e6)} million refugees"),
    ("about 68 million internally displaced people",
     lambda: f"about {round(_displaced_2024('idps') / 1e6)} million internally"),
    ("own headline total of forcibly displaced people (117.3 million at the end of 2023",
     lambda: f"({UNHCR_DISPLACED_2023_MILLION:.1f} million at the end of 2023"),
]
