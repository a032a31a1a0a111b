"""Figures in the text of Module 1 notebook 1, recomputed from the course data."""

from toolbox_widgets import data

GCM_OBJECTIVES = 23  # UN General Assembly, A/RES/73/195 (2018): the GCM's objectives


def _per_100(iso3: str, year: int, side: str) -> float:
    """Immigrants ("in") or emigrants ("out") per 100 residents, as section 5 computes them."""
    dest = data.migrant_stock(by="destination")
    row = dest.query("iso3 == @iso3 and year == @year").iloc[0]
    if side == "in":
        people = float(row["migrants"])
    else:
        origin = data.migrant_stock(by="origin")
        people = float(origin.query("iso3 == @iso3 and year == @year")["emigrants"].iloc[0])
    return people / (float(row["population_thousands"]) * 1000) * 100


def _west_africa():
    dest = data.migrant_stock(by="destination")
    west = dest[(dest["un_subregion"] == "Western Africa") & (dest["year"] == 2024)
                & (dest["area_type"] == "country")].copy()
    west["residents"] = west["population_thousands"].astype(float) * 1000
    west["per_100"] = west["migrants"].astype(float) / west["residents"] * 100
    return west.set_index("iso3")


def _west_average() -> float:
    west = _west_africa()
    return float(west["migrants"].sum() / west["residents"].sum() * 100)


def _nigeria_share() -> float:
    west = _west_africa()
    return float(west.loc["NGA", "residents"] / west["residents"].sum())


FACTS = [
    ("Non-binding, with 23 objectives", "23", GCM_OBJECTIVES),
    ("In El Salvador there were about 29 emigrants per 100 residents in 2024", "about 29",
     lambda: _per_100("SLV", 2024, "out")),
    ("Costa Rica is the opposite: about 12 immigrants per 100 residents in 2024", "about 12",
     lambda: _per_100("CRI", 2024, "in")),
    ("up from about 8 in 2000", "about 8", lambda: _per_100("CRI", 2000, "in")),
    ("about three times as many emigrants per 100 residents", "about three times",
     lambda: _per_100("NPL", 2024, "out") / _per_100("NPL", 2000, "out")),
    ("The average of the subregion is about 1.8 immigrants per 100 residents", "about 1.8",
     _west_average),
    ("Nigeria alone has more than half of the subregion's residents", "more than half",
     _nigeria_share),
    ("and about 0.6 immigrants per 100", "about 0.6",
     lambda: float(_west_africa().loc["NGA", "per_100"])),
    ("Côte d'Ivoire and the Gambia, with about 9 per 100", "about 9",
     lambda: [float(_west_africa().loc[c, "per_100"]) for c in ("CIV", "GMB")]),
]
