"""Figures in the text of Core notebook 1, recomputed from the course data."""

from toolbox_widgets import data


def _world(year: int) -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == 'WLD' and year == @year")["migrants"].iloc[0])


def _doubling() -> str:
    ratio = _world(2024) / _world(1990)
    return "roughly doubled" if 1.8 <= ratio <= 2.2 else f"grown {ratio:.1f} times"


FACTS = [
    ("around 300 million international migrants",
     lambda: f"around {round(_world(2024) / 1e8) * 100} million"),
    ("The number of migrants has roughly doubled since 1990", _doubling),
]
