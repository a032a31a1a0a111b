"""Figures in the text of Core notebook 2, recomputed from the course data or cited."""

from toolbox_widgets import data

# Quoted from a project page (not in data/; the notebook says to check it before quoting).
SWISSCONTACT_RETURNS_2018 = 195_790  # Swisscontact, "Nuevas oportunidades" project page
SWISSCONTACT_GROWTH_PCT = 38.5  # same page: change on 2017


def _stock(iso3: str, year: int) -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == @iso3 and year == @year")["migrants"].iloc[0])


def _syrian_refugees(year: int) -> float:
    origin = data.refugees(by="origin")
    return float(origin.query("iso3 == 'SYR' and year == @year")["refugees"].iloc[0])


def _poland_shrank() -> str:
    values = [_stock("POL", y) for y in (1990, 1995, 2000, 2005, 2010)]
    falling = all(b < a for a, b in zip(values, values[1:]))
    return "shrank in every period from 1990 to 2010" if falling else "did not shrink in every period"


FACTS = [
    ("reports about 195,790 returns to the Northern Triangle", "about 195,790",
     SWISSCONTACT_RETURNS_2018),
    ("up 38.5% on the year before", "38.5%", SWISSCONTACT_GROWTH_PCT),
    ("the world stock grew by about 29 million between mid-2020 and mid-2024", "about 29 million",
     lambda: _stock("WLD", 2024) - _stock("WLD", 2020)),
    ("Spain**'s stock fell by almost 0.4 million between mid-2010 and mid-2015",
     "almost 0.4 million", lambda: _stock("ESP", 2010) - _stock("ESP", 2015)),
    ("Poland**'s stock shrank in every period from 1990 to 2010", _poland_shrank),
    ("between 2020 and 2024, Poland's stock grew about 2.4 times", "about 2.4",
     lambda: _stock("POL", 2024) / _stock("POL", 2020)),
    (("The number of refugees from Syria fell by about 0.4 million between the end of 2023 and "
     "the end of 2024"), "about 0.4 million",
     lambda: _syrian_refugees(2023) - _syrian_refugees(2024)),
]
