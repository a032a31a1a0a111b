"""Figures in the text of Core notebook 7 (the glossary), recomputed from the course data."""

from fact_rules import Cited

from toolbox_widgets import data

UNHCR_DISPLACED_2023 = 117.3e6  # UNHCR, Global Trends 2023, as stated on unhcr.org (not in data/)
UNRWA_REFUGEES = Cited("about 6 million", "UNRWA, Palestine refugees registered (unrwa.org)")
SDG_TARGET_PCT, SDG_CEILING_PCT = 3, 5  # SDG target 10.c (UN Statistics Division metadata)


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
    ("about 304 million international migrants", "about 304 million", _world_stock_2024),
    ("cost about 4.1% of the amount sent", "about 4.1%", _usa_mex_2020),
    ("under the 5% ceiling, but still above the 3% target", "5%", SDG_CEILING_PCT),
    ("under the 5% ceiling, but still above the 3% target", "3%", SDG_TARGET_PCT),
    ("about 31 million refugees under its mandate", "about 31 million",
     lambda: _displaced_2024("refugees")),
    ("about 68 million internally displaced people", "about 68 million",
     lambda: _displaced_2024("idps")),
    ("about 6 million Palestine refugees under the mandate of UNRWA", "about 6 million",
     UNRWA_REFUGEES),
    ("own headline total of forcibly displaced people (117.3 million at the end of 2023",
     "117.3 million", UNHCR_DISPLACED_2023),
]
