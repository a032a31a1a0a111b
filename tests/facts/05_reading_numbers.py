"""Figures in the text of Core notebook 5, recomputed from the course data."""

from toolbox_widgets import data

EDITION_2020_VALUE = 281  # million; UN DESA, International Migration 2020 Highlights (not in data/)


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


def _philippines_wdi_share() -> str:
    # WDI edition of 10 May 2023 showed US$ 9.07 billion for the Philippines in 2022 (not in data/).
    knomad = float(_countries().query("iso3 == 'PHL' and year == 2022")["inflow_usd_million"].iloc[0])
    ratio = 9.07 / (knomad / 1000)
    return "about a quarter" if 0.2 <= ratio <= 0.3 else f"about {ratio:.0%}"


def _per_1000(iso3: str) -> float:
    ref = data.refugees(by="asylum").query("year == 2024 and iso3 == @iso3")["refugees"].iloc[0]
    pop = data.migrant_stock(by="destination").query(
        "year == 2024 and iso3 == @iso3")["population_thousands"].iloc[0]
    return float(ref) / float(pop)


def _largest_host_2024() -> str:
    asylum = data.refugees(by="asylum").query("year == 2024 and area_type == 'country'")
    top = asylum.nlargest(1, "refugees")["iso3"].iloc[0]
    return {"IRN": "Iran"}.get(top, str(top))


FACTS = [
    ("275 million in the 2024 revision",
     lambda: f"{round(_world_millions(2020))} million"),
    ("About 275 million international migrants lived in the world in mid-2020",
     lambda: f"About {round(_world_millions(2020))} million"),
    ("gained 23 million migrants",
     lambda: f"gained {round(_world_millions(2024) - EDITION_2020_VALUE)} million"),
    ("(281 million → 304 million",
     lambda: f"→ {round(_world_millions(2024))} million"),
    ("has USD 647 billion for 2022", _lmy_2022_bn),
    ("from 2000 through 2007 (its zeros run through 2007, and its first value is for 2008)",
     lambda: f"through {_first_reported('AFG') - 1} (its zeros run through "
             f"{_first_reported('AFG') - 1}, and its first value is for {_first_reported('AFG')})"),
    ("there is no inflow figure before 2008",
     lambda: f"before {_first_reported('AFG')}"),
    ("rose from 135 countries in 2000 to 189 in 2022", _reporting),
    ("Syria from 2011, Venezuela from 2017, Libya from 2007", _first_zero_years),
    ("the Philippines' value was about a quarter of what KNOMAD recorded", _philippines_wdi_share),
    ("Lebanon, for example, counts about 131 refugees for every 1,000 inhabitants",
     lambda: f"about {round(_per_1000('LBN'))} refugees"),
    ("Iran hosts more refugees than any other country (UNHCR, end of 2024)", _largest_host_2024),
]
