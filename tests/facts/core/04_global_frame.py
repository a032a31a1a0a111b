"""Figures in the text of Core notebook 4, recomputed from the course data or cited."""

from fact_rules import Cited

from toolbox_widgets import data

# Quoted from publications (not in data/), with their publisher.
SDG_GOALS, SDG_TARGETS = 17, 169  # UN General Assembly resolution 70/1 (2015)
LOCAL_MGI_INDICATORS = 87  # IOM, Migration Data Portal, "Local MGI (pilot phase)"
MGI_COUNTRIES, MGI_LOCAL = 111, 91  # IOM pledge update, UN Network on Migration hub (Oct 2023)
SDG_BELOW = Cited("below 3%", "SDG target 10.c (UN Statistics Division metadata)")
SDG_ABOVE = Cited("above 5%", "SDG target 10.c: no corridor above 5%")
SDG_CEILING = 5  # the same target's line, as a number
GCM_STATES_MARRAKECH = 164  # IISD SDG Knowledge Hub, 11 December 2018
GCM_OBJECTIVES = 23  # UN General Assembly resolution 73/195
MMC_QUITO_PEOPLE = Cited("about 80", "Mayors Migration Council, GFMD page")
MMC_QUITO_CITIES = Cited("more than 50", "Mayors Migration Council, GFMD page")
AEMD_CITIES = Cited("about 20", "UN Network on Migration; ODI; Robert Bosch Stiftung pages")
MARRAKECH_MAYORS_M4D = 76  # M4D, page on the Marrakech Mayors Declaration
MARRAKECH_SIGNATORIES = 104  # GFMD Mayors Mechanism, page on the declaration ("to date")
SEDHIOU_PROJECTS_2022 = 29  # Leral.net (2022), on the PAICODELS 2 support fund

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
    ("its 17 Sustainable Development Goals (SDGs) and 169 targets", "17", SDG_GOALS),
    ("its 17 Sustainable Development Goals (SDGs) and 169 targets", "169", SDG_TARGETS),
    ("at least ten of the 17 goals", "17", SDG_GOALS),
    ("a self-assessment of 87 indicators in six dimensions", "87", LOCAL_MGI_INDICATORS),
    ("in 111 countries and with 91 local governments", "111", MGI_COUNTRIES),
    ("in 111 countries and with 91 local governments", "91", MGI_LOCAL),
    ("should fall below 3% of the amount sent", "below 3%", SDG_BELOW),
    ("should cost more than 5%", "more than 5%", SDG_ABOVE),
    ("remittance costs below 3%, and no corridor above 5%, by 2030", "below 3%", SDG_BELOW),
    ("remittance costs below 3%, and no corridor above 5%, by 2030", "above 5%", SDG_ABOVE),
    ("an average below 3%, and no corridor above 5%", "below 3%", SDG_BELOW),
    ("an average below 3%, and no corridor above 5%", "above 5%", SDG_ABOVE),
    ("the share of corridors above 5% and below 3%", "above 5%", SDG_ABOVE),
    ("the share of corridors above 5% and below 3%", "below 3%", SDG_BELOW),
    ("82% of the corridors surveyed cost more than 5%", "more than 5%", SDG_ABOVE),
    ("most corridors still cost more than 5%", "more than 5%", SDG_ABOVE),
    ("The other half, an average below 3%", "below 3%", SDG_BELOW),
    ("only 7% of the corridors cost less than 3%", "less than 3%", SDG_BELOW),
    ("the share of corridors above 5%", "above 5%", SDG_ABOVE),
    ("the share of corridors above 5% or below 3%", "above 5%", SDG_ABOVE),
    ("the share of corridors above 5% or below 3%", "below 3%", SDG_BELOW),
    ("by 164 UN Member States", "164", GCM_STATES_MARRAKECH),
    ("23 objectives. The UN Network on Migration", "23", GCM_OBJECTIVES),
    ("The table lists all 23", "23", GCM_OBJECTIVES),
    ("it brought about 80 representatives from more than 50 cities", "about 80", MMC_QUITO_PEOPLE),
    ("it brought about 80 representatives from more than 50 cities", "more than 50",
     MMC_QUITO_CITIES),
    ("with about 20 cities and pairs such as", "about 20", AEMD_CITIES),
    ("76 mayors had adopted it", "76", MARRAKECH_MAYORS_M4D),
    ("104 local and regional governments had signed it", "104", MARRAKECH_SIGNATORIES),
    ("A 2022 press report counts 29 projects financed", "29", SEDHIOU_PROJECTS_2022),
    ("The survey covered 213 corridors in 2011 and 367 in 2020", "213",
     lambda: len(_year(2011))),
    ("The survey covered 213 corridors in 2011 and 367 in 2020", "367",
     lambda: len(_year(2020))),
    ("In 2011, 82% of the corridors surveyed cost more than 5%", "82%",
     lambda: (_year(2011) > SDG_CEILING).mean() * 100),
    ("most corridors still cost more than 5%",
     lambda: "most corridors" if (_year(2020) > SDG_CEILING).mean() > 0.5 else "not most"),
    ("in 2020 only 7% of the corridors cost less than 3%", "7%",
     lambda: (_year(2020) < 3).mean() * 100),
    ("It was announced in October 2013 and first held in Barcelona in June 2014",
     lambda: f"announced in {MAYORAL_FORUM_ANNOUNCED} and first held in {MAYORAL_FORUM_FIRST}"),
    ("In 2020 the corridors into Africa were the most expensive of the large regions",
     lambda: f"corridors into {_dearest_large_region()} were the most expensive"),
    ("only Oceania, with a handful of corridors, was dearer on average",
     lambda: f"only {_dearer_small_region()}, with a handful"),
]
