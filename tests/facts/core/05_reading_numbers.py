"""Figures in the text of Core notebook 5, recomputed from the course data."""

from fact_rules import Cited, Threshold

from toolbox_widgets import data

EDITION_2020_VALUE = 281  # million; UN DESA, International Migration 2020 Highlights (not in data/)
# World Bank / KNOMAD estimates for low- and middle-income countries, US$ billion (not in data/)
BRIEF_DEC_2023_FOR_2023 = 669  # Migration and Development Brief 39, December 2023
BRIEF_JUN_2024_FOR_2023 = 656  # Migration and Development Brief 40, June 2024
BLOG_DEC_2024_FOR_2023 = 647  # People Move blog, December 2024 (its table 1)
BLOG_DEC_2024_FOR_2022 = 640  # same table
BLOG_GROWTH_2023 = Cited("1.2%", "World Bank/KNOMAD People Move blog, December 2024, table 1")
WDI_PHL_2022_BN = 9.07  # WDI edition of 10 May 2023, Philippines 2022 (not in data/)
CHART_AXIS = 270e6  # the notebook's own example of a cut axis
MIN_POPULATION = 1e6  # the notebook's threshold for rates (cell of section 5)


def _world_millions(year: int) -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == 'WLD' and year == @year")["migrants"].iloc[0]) / 1e6


def _countries():
    rem = data.remittances()
    return rem[rem["area_type"] == "country"]


def _lmy_2022_bn() -> str:
    rem = data.remittances()
    value = float(rem.query("iso3 == 'LMY' and year == 2022")["inflow_usd_million"].iloc[0]) / 1000
    return f"USD {round(value)} billion for 2022"


def _first_reported(iso3: str) -> int:
    series = _countries().query("iso3 == @iso3").set_index("year")["inflow_usd_million"]
    return int(series.first_valid_index())


def _reporting() -> str:
    counts = _countries().groupby("year")["inflow_usd_million"].count()
    return f"{counts[2000]} countries in 2000 to {counts[2022]} in 2022"


def _first_zero_years() -> str:
    zeros = _countries().query("inflow_usd_million == 0")
    first = {c: int(zeros.loc[zeros["iso3"] == c, "year"].min()) for c in ("SYR", "VEN", "LBY")}
    return f"Syria from {first['SYR']}, Venezuela from {first['VEN']}, Libya from {first['LBY']}"


def _philippines_wdi_share() -> float:
    knomad = float(_countries().query("iso3 == 'PHL' and year == 2022")["inflow_usd_million"].iloc[0])
    return WDI_PHL_2022_BN / (knomad / 1000)


def _lmy_2022() -> float:
    rem = data.remittances()
    return float(rem.query("iso3 == 'LMY' and year == 2022")["inflow_usd_million"].iloc[0]) / 1000


def _per_1000(iso3: str) -> float:
    ref = data.refugees(by="asylum").query("year == 2024 and iso3 == @iso3")["refugees"].iloc[0]
    pop = data.migrant_stock(by="destination").query(
        "year == 2024 and iso3 == @iso3")["population_thousands"].iloc[0]
    return float(ref) / float(pop)


def _largest_host_2024() -> str:
    asylum = data.refugees(by="asylum").query("year == 2024 and area_type == 'country'")
    top = asylum.nlargest(1, "refugees")["iso3"].iloc[0]
    return {"IRN": "Iran"}.get(top, str(top))


def _bars_above_axis() -> float:
    """How many times taller the 2020 edition's bar looks than Rev.2024's over a 270 M axis."""
    return (EDITION_2020_VALUE * 1e6 - CHART_AXIS) / (_world_millions(2020) * 1e6 - CHART_AXIS)


_ROW = "2020: about 281 million (2020 edition) vs 275 million (Rev.2024)"
_REVISIONS = "2023 remittances: 669, then 656, then 647"

FACTS = [
    ("A chart that cut the axis at, say, 270 million", "270 million", Threshold(CHART_AXIS)),
    ("would have made one bar look more than twice as tall as the other", "more than twice as",
     _bars_above_axis),
    ("gave about 281 million international migrants for mid-2020", "about 281 million",
     EDITION_2020_VALUE * 1e6),
    ("275 million in the 2024 revision", "275 million", lambda: _world_millions(2020) * 1e6),
    ("About 275 million international migrants lived in the world in mid-2020",
     "About 275 million", lambda: _world_millions(2020) * 1e6),
    ("gained 23 million migrants", "23 million",
     lambda: (_world_millions(2024) - EDITION_2020_VALUE) * 1e6),
    ("(281 million → 304 million", "304 million", lambda: _world_millions(2024) * 1e6),
    ("fell from USD 669 billion (December 2023 brief)", "USD 669 billion",
     BRIEF_DEC_2023_FOR_2023 * 1e9),
    ("to USD 656 billion (June 2024)", "USD 656 billion", BRIEF_JUN_2024_FOR_2023 * 1e9),
    ("and then USD 647 billion (December 2024 blog)", "USD 647 billion",
     BLOG_DEC_2024_FOR_2023 * 1e9),
    ("has USD 647 billion for 2022", "USD 647 billion", lambda: _lmy_2022() * 1e9),
    ("while the December 2024 table gives 640", "640", BLOG_DEC_2024_FOR_2022),
    ("The figure 647 appears twice", "647",
     lambda: [_lmy_2022(), BLOG_DEC_2024_FOR_2023]),
    ("2022 is 640 and 2023 is 647", "640", BLOG_DEC_2024_FOR_2022),
    ("2022 is 640 and 2023 is 647", "647", BLOG_DEC_2024_FOR_2023),
    ("the blog describes that as growth of 1.2%", "1.2%", BLOG_GROWTH_2023),
    ("the Philippines' value was about a quarter of what KNOMAD recorded", "about a quarter",
     _philippines_wdi_share),
    ("rose from 135 countries in 2000 to 189 in 2022", "135",
     lambda: _countries().groupby("year")["inflow_usd_million"].count()[2000]),
    ("rose from 135 countries in 2000 to 189 in 2022", "189",
     lambda: _countries().groupby("year")["inflow_usd_million"].count()[2022]),
    ("counts about 131 refugees for every 1,000 inhabitants", "about 131",
     lambda: _per_1000("LBN")),
    ("set a minimum size (here, 1 million inhabitants)", "1 million", Threshold(MIN_POPULATION)),
    (_ROW, "about 281 million", EDITION_2020_VALUE * 1e6),
    (_ROW, "275 million", lambda: _world_millions(2020) * 1e6),
    (_REVISIONS, "669", BRIEF_DEC_2023_FOR_2023),
    (_REVISIONS, "656", BRIEF_JUN_2024_FOR_2023),
    (_REVISIONS, "647", BLOG_DEC_2024_FOR_2023),
    ("from 2000 through 2007 (its zeros run through 2007, and its first value is for 2008)",
     lambda: f"through {_first_reported('AFG') - 1} (its zeros run through "
             f"{_first_reported('AFG') - 1}, and its first value is for {_first_reported('AFG')})"),
    ("there is no inflow figure before 2008", lambda: f"before {_first_reported('AFG')}"),
    ("Syria from 2011, Venezuela from 2017, Libya from 2007", _first_zero_years),
    ("Iran hosts more refugees than any other country (UNHCR, end of 2024)", _largest_host_2024),
]
