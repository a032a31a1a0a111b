"""Figures in the text of Module 1 notebook 2, recomputed from the course data."""

from toolbox_widgets import data


def _share(iso3: str, year: int) -> float:
    """Remittances received, % of GDP (World Bank-KNOMAD with WDI), as section 2 reads them."""
    rem = data.remittances()
    return float(rem.query("iso3 == @iso3 and year == @year")["inflow_pct_gdp"].iloc[0])


def _hosted_per_1000(iso3: str, year: int) -> float:
    """Refugees, asylum-seekers and other people in need of international protection per 1,000
    residents, as section 3 computes them (a year with a UN DESA population estimate)."""
    row = data.refugees(by="asylum").query("iso3 == @iso3 and year == @year").iloc[0]
    people = sum(0 if row[c] is None or str(row[c]) == "<NA>" else float(row[c])
                 for c in ("refugees", "asylum_seekers", "oip"))
    stock = data.migrant_stock(by="destination")
    population = float(stock.query("iso3 == @iso3 and year == @year")
                       ["population_thousands"].iloc[0])
    return people / population


FACTS = [
    ("grew from about 2% of GDP in 2000 to about 23% in 2021", "about 2%",
     lambda: _share("NPL", 2000)),
    ("grew from about 2% of GDP in 2000 to about 23% in 2021", "about 23%",
     lambda: _share("NPL", 2021)),
    ("in El Salvador they were worth about 26% of GDP in 2021", "about 26%",
     lambda: _share("SLV", 2021)),
    ("In Ecuador the share fell, from about 7% to about 4%", "about 7%",
     lambda: _share("ECU", 2000)),
    ("In Ecuador the share fell, from about 7% to about 4%", "about 4%",
     lambda: _share("ECU", 2021)),
    ("rose from about 1.4 per 1,000 residents in 2015", "about 1.4",
     lambda: _hosted_per_1000("CRI", 2015)),
    ("to about 51 per 1,000 in 2024", "about 51", lambda: _hosted_per_1000("CRI", 2024)),
    ("in Ecuador they were about 26 per 1,000 in 2024", "about 26",
     lambda: _hosted_per_1000("ECU", 2024)),
]
