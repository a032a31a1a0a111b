"""Figures in the text of Module 1 notebook 3, recomputed from the course data."""

from fact_rules import Threshold

from toolbox_widgets import data

JMDI = ["CRI", "ECU", "SLV", "MAR", "NPL", "PHL", "SEN", "TUN"]
SAME = 1  # percent: the notebook's line for "the same" totals


def _stock(iso3: str, year: int) -> float:
    table = data.migrant_stock(by="destination")
    return float(table.query("iso3 == @iso3 and year == @year")["migrants"].iloc[0])


def _model_and_recorded():
    pairs = data.bilateral_remittances()
    model = (pairs[pairs["receiving_iso3"].isin(JMDI)]
             .groupby("receiving_iso3")["remittances_usd_million"].sum())
    flows = data.remittances()
    recorded = flows.query("year == 2021 and iso3 in @JMDI").set_index("iso3")["inflow_usd_million"]
    return model, recorded


def _same_within_one_pct() -> str:
    model, recorded = _model_and_recorded()
    same = int(((recorded / model - 1).abs() * 100 < SAME).sum())
    words = {4: "four", 5: "five", 6: "six"}
    return f"For {words.get(same, same)} of the eight countries"


def _tunisia_pct_higher() -> float:
    model, recorded = _model_and_recorded()
    return (recorded["TUN"] / model["TUN"] - 1) * 100


def _unhcr_share(iso3: str) -> float:
    unhcr = data.refugees(by="asylum").query("year == 2024 and iso3 == @iso3")
    protection = float(unhcr[["refugees", "asylum_seekers", "oip"]].fillna(0).sum(axis=1).iloc[0])
    return protection / _stock(iso3, 2024) * 100


FACTS = [
    ("The number of migrants in Ecuador more than doubled between 2015 and 2020",
     "more than doubled", lambda: _stock("ECU", 2020) / _stock("ECU", 2015)),
    ("planned for less than half of the people who were there two years later",
     "less than half", lambda: _stock("ECU", 2015) / _stock("ECU", 2020)),
    ("the matrix adds up to the recorded inflow within 1%", "1%", Threshold(SAME)),
    ("For five of the eight countries the matrix adds up", _same_within_one_pct),
    ("the recorded figure of the later edition is about 40% higher than the matrix total",
     "about 40%", _tunisia_pct_higher),
    ("UNHCR's count is equal to over 90% of UN DESA's", "over 90%",
     lambda: [_unhcr_share("COL"), _unhcr_share("PER")]),
]
