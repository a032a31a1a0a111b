"""Figures in the text of Core notebook 6 (case study: Naga City and Bicol), recomputed from the
course data or cited."""

from fact_rules import Cited

from toolbox_widgets import data

# Quoted from publications (not in data/), with their publisher.
LA_UNION_OVERSEAS_PCT = 6.2  # La Union M&D Strategic Plan 2012-2016: residents aged 20+ overseas
LA_UNION_AGE = 20  # same plan: the age from which residents are counted
LA_UNION_INCOME = Cited("about one fifth", "La Union M&D Strategic Plan 2012-2016")
PHL_2024_ESTIMATE = Cited("about USD 40 billion", "World Bank/KNOMAD, People Move blog, Dec 2024")
SDG_BELOW = Cited("below 3%", "SDG target 10.c (UN Statistics Division metadata)")
SDG_CEILING = Cited("above 5%", "SDG target 10.c: no corridor above 5%")
SDG_TARGET_PCT = 3  # same target
GCM_OBJECTIVES = 23  # UN General Assembly resolution 73/195 (the GCM's 23 objectives)
GCM_STATES_MARRAKECH = 164  # IISD SDG Knowledge Hub (2018): states adopting the GCM in Marrakech


def _emigrants(column: str = "emigrants", year: int = 2024) -> float:
    origin = data.migrant_stock(by="origin")
    return float(origin.query("iso3 == 'PHL' and year == @year")[column].iloc[0])


def _inflows():
    rem = data.remittances()
    return rem[rem["iso3"] == "PHL"].set_index("year")


def _cost(year: int) -> float:
    costs = data.remittance_costs()
    return float(costs.query("receiving_iso3 == 'PHL' and year == @year")["cost_pct"].mean())


def _growth_2000_2022() -> float:
    inflow = _inflows()["inflow_usd_million"]
    return float(inflow[2022]) / float(inflow[2000])


FACTS = [
    ("about 7.0 million people born in the Philippines lived abroad in mid-2024",
     "about 7.0 million", _emigrants),
    ("women are about 57% of them", "about 57%",
     lambda: _emigrants("emigrants_female") / _emigrants() * 100),
    ("how many of those 7 million come from the Bicol Region", "7 million", _emigrants),
    ("reported that about 6.2% of its residents aged 20 and over worked overseas", "about 6.2%",
     LA_UNION_OVERSEAS_PCT),
    ("reported that about 6.2% of its residents aged 20 and over worked overseas", "20",
     LA_UNION_AGE),
    ("remittances made up about one fifth of household income", "about one fifth",
     LA_UNION_INCOME),
    ("recorded remittances to the Philippines grew more than five times between 2000 and 2022",
     "more than five times", _growth_2000_2022),
    ("about 9.3% of GDP in 2021", "about 9.3%",
     lambda: float(_inflows().loc[2021, "inflow_pct_gdp"])),
    ("put the Philippines at about USD 40 billion for 2024", "about USD 40 billion",
     PHL_2024_ESTIMATE),
    ("asks that by 2030 the cost fall below 3%, with no corridor above 5%", "below 3%", SDG_BELOW),
    ("asks that by 2030 the cost fall below 3%, with no corridor above 5%", "above 5%",
     SDG_CEILING),
    ("which asks for remittance costs below 3% by 2030 and no corridor above 5%", "below 3%",
     SDG_BELOW),
    ("which asks for remittance costs below 3% by 2030 and no corridor above 5%", "above 5%",
     SDG_CEILING),
    ("fell from about 6.3% in 2011 to about 4.5% in 2020", "about 6.3%", lambda: _cost(2011)),
    ("fell from about 6.3% in 2011 to about 4.5% in 2020", "about 4.5%", lambda: _cost(2020)),
    ("in 2020, still above the 3% target", "3%", SDG_TARGET_PCT),
    ("a non-binding framework with 23 objectives", "23", GCM_OBJECTIVES),
    ("adopted in Marrakech in December 2018 by 164 UN Member States", "164", GCM_STATES_MARRAKECH),
    ("a country with about 7 million people abroad", "about 7 million", _emigrants),
]
