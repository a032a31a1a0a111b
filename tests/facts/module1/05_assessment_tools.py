"""Figures in the text of Module 1 notebook 5 (assessment tools), recomputed from the course
data or cited."""

from toolbox_widgets import data

# Quoted from publications (not in data/), with their publisher.
LOCAL_MGI_INDICATORS = 87  # IOM / Migration Data Portal, "Local MGI (pilot phase)"
LOCAL_MGI_DIMENSIONS = 6  # same page
MGI_COUNTRIES_2023 = 111  # UN Network on Migration, IOM MGI pledge, update of 25 Oct 2023
MGI_LOCAL_2023 = 91  # same update: local governments
MGI_COUNTRIES_2024 = 112  # IOM / Migration Data Portal, MGI Success Stories 2024
MGI_CITIES_2024 = 104  # same publication


def _origin(iso3: str, year: int, column: str = "emigrants") -> float:
    table = data.migrant_stock(by="origin")
    return float(table.query("iso3 == @iso3 and year == @year")[column].iloc[0])


def _destination(iso3: str, year: int, column: str = "migrants") -> float:
    table = data.migrant_stock(by="destination")
    return float(table.query("iso3 == @iso3 and year == @year")[column].iloc[0])


def _inflow(year: int) -> float:
    rem = data.remittances()
    return float(rem.query("iso3 == 'GHA' and year == @year")["inflow_usd_million"].iloc[0]) * 1e6


FACTS = [
    ("About 1.06 million people born in Ghana lived abroad in mid-2024", "About 1.06 million",
     lambda: _origin("GHA", 2024)),
    ("roughly three times as many as in 1990", "roughly three times",
     lambda: _origin("GHA", 2024) / _origin("GHA", 1990)),
    ("women are about 48% of them", "about 48%",
     lambda: _origin("GHA", 2024, "emigrants_female") / _origin("GHA", 2024) * 100),
    ("Ghana also hosts migrants: about 532 thousand", "about 532 thousand",
     lambda: _destination("GHA", 2024)),
    ("Recorded remittances reached about USD 4.7 billion in 2022", "about USD 4.7 billion",
     lambda: _inflow(2022)),
    ("fall from about USD 5.0 billion in 2015 to about USD 3.0 billion in 2016",
     "about USD 5.0 billion", lambda: _inflow(2015)),
    ("fall from about USD 5.0 billion in 2015 to about USD 3.0 billion in 2016",
     "about USD 3.0 billion", lambda: _inflow(2016)),
    ("The framework has 87 indicators in 6 dimensions", "87", LOCAL_MGI_INDICATORS),
    ("The framework has 87 indicators in 6 dimensions", "6", LOCAL_MGI_DIMENSIONS),
    ("conducted or started in 111 countries and with 91 local governments", "111",
     MGI_COUNTRIES_2023),
    ("conducted or started in 111 countries and with 91 local governments", "91",
     MGI_LOCAL_2023),
    ("helped governments in 112 countries and 104 cities since 2016", "112", MGI_COUNTRIES_2024),
    ("helped governments in 112 countries and 104 cities since 2016", "104", MGI_CITIES_2024),
    ("about 22% of Canada's residents were born abroad", "about 22%",
     lambda: _destination("CAN", 2024, "migrants_pct_of_population")),
    ("against about 1.5% in Ghana", "about 1.5%",
     lambda: _destination("GHA", 2024, "migrants_pct_of_population")),
    ("and under 0.7% in Brazil", "under 0.7%",
     lambda: _destination("BRA", 2024, "migrants_pct_of_population")),
]
