"""Figures in the text of Core notebook 1, recomputed from the course data."""

from toolbox_widgets import data


def _world(year: int) -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == 'WLD' and year == @year")["migrants"].iloc[0])


# Figures quoted from publications (not in data/), each with its publisher and year.
WITHIN_REGION_PCT = 53  # UN DESA (2025), via IOM's Migration Data Portal: share of migrants, mid-2024
IFAD_SENDERS_MILLION = 200  # IFAD, on the UN's International Day of Family Remittances page
IFAD_FAMILY_MILLION = 800  # same page: family members who receive remittances
RPW_BANKS_PCT = 11.48  # World Bank, Remittance Prices Worldwide Issue 47 (Sep 2023): banks, 2023Q3
RPW_SSA_PCT = 7.39  # same issue: sending money to Sub-Saharan Africa, 2023Q3
UNHCR_DISPLACED_2023_MILLION = 117.3  # UNHCR, Global Trends 2023, as stated on unhcr.org


def _more_than_half(pct: float) -> str:
    return "More than half" if 50 < pct < 60 else f"{pct}%"


def _doubling() -> str:
    ratio = _world(2024) / _world(1990)
    return "roughly doubled" if 1.8 <= ratio <= 2.2 else f"grown {ratio:.1f} times"


FACTS = [
    ("around 300 million international migrants",
     lambda: f"around {round(_world(2024) / 1e8) * 100} million"),
    ("The number of migrants has roughly doubled since 1990", _doubling),
    ("More than half of all international migrants (53% in mid-2024)",
     lambda: f"{_more_than_half(WITHIN_REGION_PCT)} of all international migrants "
             f"({WITHIN_REGION_PCT}% in mid-2024)"),
    (("counts more than 200 million migrant workers who send money home to about 800 million "
      "family members"),
     lambda: f"more than {IFAD_SENDERS_MILLION} million migrant workers who send money home to "
             f"about {IFAD_FAMILY_MILLION} million family members"),
    ("dearest channel, at 11.48% of the amount sent on average",
     lambda: f"at {RPW_BANKS_PCT:.2f}% of the amount"),
    ("region to send money to, at 7.39%", lambda: f"at {RPW_SSA_PCT:.2f}%"),
    ("117.3 million at the end of 2023", lambda: f"{UNHCR_DISPLACED_2023_MILLION:.1f} million"),
]
