"""Figures in the text of Core notebook 2, recomputed from the course data."""

from toolbox_widgets import data


def _stock(iso3: str, year: int) -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == @iso3 and year == @year")["migrants"].iloc[0])


def _syrian_refugees(year: int) -> float:
    origin = data.refugees(by="origin")
    return float(origin.query("iso3 == 'SYR' and year == @year")["refugees"].iloc[0])


def _poland_doubled() -> str:
    ratio = _stock("POL", 2024) / _stock("POL", 2020)
    return "more than doubled" if ratio > 2 else f"grew {ratio:.1f} times"


def _poland_shrank() -> str:
    values = [_stock("POL", y) for y in (1990, 1995, 2000, 2005, 2010)]
    falling = all(b < a for a, b in zip(values, values[1:]))
    return "shrank in every period from 1990 to 2010" if falling else "did not shrink in every period"


FACTS = [
    ("the world stock grew by about 29 million between mid-2020 and mid-2024",
     lambda: f"about {round((_stock('WLD', 2024) - _stock('WLD', 2020)) / 1e6)} million"),
    ("Spain**'s stock fell by almost 0.4 million between mid-2010 and mid-2015",
     lambda: f"{(_stock('ESP', 2010) - _stock('ESP', 2015)) / 1e6:.1f} million"),
    ("Poland**'s stock shrank in every period from 1990 to 2010", _poland_shrank),
    ("between 2020 and 2024, Poland's stock more than doubled", _poland_doubled),
    ("The number of refugees from Syria fell by about 0.4 million between the end of 2023 and the end of 2024",
     lambda: f"about {(_syrian_refugees(2023) - _syrian_refugees(2024)) / 1e6:.1f} million"),
]
