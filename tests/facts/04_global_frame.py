"""Figures in the text of Core notebook 4, recomputed from the course data."""

from toolbox_widgets import data

# The Mayoral Forum on Human Mobility, Migration and Development (UNITAR; GFMD Mayors Mechanism).
MAYORAL_FORUM_ANNOUNCED = "October 2013"
MAYORAL_FORUM_FIRST = "Barcelona in June 2014"


def _corridor_year():
    """One value per corridor and year: the mean of that year's survey rounds (as in the notebook)."""
    costs = data.remittance_costs()
    return costs.groupby(["year", "sending_iso3", "receiving_iso3"],
                         as_index=False)["cost_pct"].mean()


def _year(year: int):
    table = _corridor_year()
    return table[table["year"] == year]["cost_pct"]


def _regions_2020():
    """Mean 2020 cost and corridor count per UN region of the receiving country."""
    stock = data.migrant_stock(by="destination")
    regions = stock.drop_duplicates("iso3").set_index("iso3")["un_region"]
    table = _corridor_year()
    latest = table[table["year"] == 2020].copy()
    latest["region"] = latest["receiving_iso3"].map(regions).fillna("Not classified")
    return latest.groupby("region")["cost_pct"].agg(["size", "mean"])


def _dearest_large_region() -> str:
    regions = _regions_2020()
    return regions[regions["size"] >= 20]["mean"].idxmax()


def _dearer_small_region() -> str:
    regions = _regions_2020()
    dearest = regions["mean"].idxmax()
    assert regions.loc[dearest, "size"] < 20  # "with a handful of corridors"
    return dearest


FACTS = [
    ("The survey covered 213 corridors in 2011 and 367 in 2020",
     lambda: f"{len(_year(2011))} corridors in 2011 and {len(_year(2020))} in 2020"),
    ("In 2011, 82% of the corridors surveyed cost more than 5%",
     lambda: f"{(_year(2011) > 5).mean() * 100:.0f}% of the corridors"),
    ("most corridors still cost more than 5%",
     lambda: "most corridors" if (_year(2020) > 5).mean() > 0.5 else "not most corridors"),
    ("in 2020 only 7% of the corridors cost less than 3%",
     lambda: f"only {(_year(2020) < 3).mean() * 100:.0f}% of the corridors cost less than 3%"),
    ("It was announced in October 2013 and first held in Barcelona in June 2014",
     lambda: f"announced in {MAYORAL_FORUM_ANNOUNCED} and first held in {MAYORAL_FORUM_FIRST}"),
    ("In 2020 the corridors into Africa were the most expensive of the large regions",
     lambda: f"corridors into {_dearest_large_region()} were the most expensive"),
    ("only Oceania, with a handful of corridors, was dearer on average",
     lambda: f"only {_dearer_small_region()}, with a handful"),
]
