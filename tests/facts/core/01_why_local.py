"""Figures in the text of Core notebook 1, recomputed from the course data or cited."""

from fact_rules import Cited, Threshold

from toolbox_widgets import data

# Figures quoted from publications (not in data/), each with its publisher and year.
WITHIN_REGION_PCT = 53  # UN DESA (2025), via IOM's Migration Data Portal: share of migrants, mid-2024
IFAD_SENDERS = Cited("more than 200 million",
                     "IFAD, on the UN's International Day of Family Remittances page")
IFAD_FAMILY = Cited("over 800 million", "IFAD, on the same page: family members "
                    "who receive remittances")
RPW_BANKS_PCT = 11.48  # World Bank, Remittance Prices Worldwide Issue 47 (Sep 2023): banks, 2023Q3
RPW_SSA_PCT = 7.39  # same issue: sending money to Sub-Saharan Africa, 2023Q3
RPW_CORRIDORS = 367  # same issue: country corridors the survey covers since 2016Q2
UNHCR_DISPLACED_2023 = 117.3e6  # UNHCR, Global Trends 2023, as stated on unhcr.org
UNHCR_URBAN_2018 = Cited("about two-thirds", "UNHCR news release, December 2018")
UNHCR_REFUGEES_2018 = 25e6  # same release: "25 million refugees"
WMR_2015_CITIES = Cited("nearly one in five", "IOM, World Migration Report 2015")
WMR_2015_LARGEST = 20  # same report: the world's 20 largest cities
UN_DESA_2020_EDITION = 281e6  # UN DESA, International Migration 2020 Highlights: mid-2020
KNOMAD_2023_DEC_BRIEF = 669e9  # World Bank, Migration and Development Brief, December 2023
KNOMAD_2023_BLOG = 647e9  # World Bank/KNOMAD, People Move blog, December 2024: 2023
KNOMAD_2024_BLOG = 685e9  # same blog: estimate for 2024
JICA_EAST_PCT, JICA_NATIONAL_PCT = 34, 25  # JICA El Salvador project page (year not stated)
IOM_NEPAL_PCT_GDP = 27.7  # IOM Nepal: remittances, % of GDP, 2014/15
JMDI_PHASE1 = (51, 16)  # JMDI / ITC-ILO: first phase, projects and countries
JMDI_PHASE2 = 15  # JMDI / ITC-ILO: second phase, projects
JMDI_PHASE2_COUNTRIES = ["Costa Rica", "Ecuador", "El Salvador", "Morocco", "Nepal",
                         "the Philippines", "Senegal", "Tunisia"]  # as listed in the sentence
SEDHIOU_PROJECTS_2022 = 29  # Leral.net (2022), on the PAICODELS 2 support fund
SDG_BELOW = Cited("below 3%", "SDG target 10.c (UN Statistics Division metadata)")
SDG_CEILING = Cited("more than 5%", "SDG target 10.c: no corridor above 5%")



def _world(year: int, column: str = "migrants") -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("iso3 == 'WLD' and year == @year")[column].iloc[0])


def _largest_share_2024() -> float:
    stock = data.migrant_stock(by="destination")
    return float(stock.query("year == 2024 and area_type == 'country'")
                 ["migrants_pct_of_population"].max())


def _countries_over_quarter_of_gdp() -> int:
    rem = data.remittances()
    gdp = rem.query("area_type == 'country' and year == 2021")["inflow_pct_gdp"]
    return int((gdp > 25).sum())


def _panel():
    """The notebook's cell d_after_2020: one value per corridor and year, same corridors."""
    recent = data.remittance_costs(years="2016-2025")
    per_year = recent.groupby(["year", "sending_iso3", "receiving_iso3"],
                              as_index=False)["cost_pct"].mean()
    counts = per_year.groupby(["sending_iso3", "receiving_iso3"])["year"].transform("nunique")
    return per_year[counts == per_year["year"].nunique()].groupby("year")["cost_pct"]


def _round(period: str = "2025Q1"):
    recent = data.remittance_costs(years="2016-2025")
    return recent[recent["period"] == period]["cost_pct"]


def _corridors_per_quarter():
    return data.remittance_costs(years="2016-2025").groupby("period").size()


FACTS = [
    # Section 1
    ("The number of migrants has roughly doubled since 1990", "roughly doubled",
     lambda: _world(2024) / _world(1990)),
    ("About half of all international migrants are women", "About half",
     lambda: _world(2024, "migrants_female") / _world(2024)),
    ("The 2020 world figure was about 281 million in the 2020 edition", "about 281 million",
     UN_DESA_2020_EDITION),
    # Section 2
    ("a few are even just above 100% because of rounding", "above 100%", _largest_share_2024),
    ("even just over 100% through", "over 100%", _largest_share_2024),
    ("nearly one in five international migrants lived in the world's 20 largest cities",
     "nearly one in five", WMR_2015_CITIES),
    ("lived in the world's 20 largest cities", "20 largest", WMR_2015_LARGEST),
    ("More than half of all international migrants (53% in mid-2024)", "More than half",
     WITHIN_REGION_PCT / 100),
    ("More than half of all international migrants (53% in mid-2024)", "53%", WITHIN_REGION_PCT),
    # Section 3
    ("counts more than 200 million migrant workers", "more than 200 million", IFAD_SENDERS),
    ("send money home to over 800 million family members", "over 800 million", IFAD_FAMILY),
    ("about 34% of households there receive remittances, against about 25% nationally",
     "about 34%", JICA_EAST_PCT),
    ("about 34% of households there receive remittances, against about 25% nationally",
     "about 25%", JICA_NATIONAL_PCT),
    ("remittances worth 27.7% of GDP in 2014/15", "27.7%", IOM_NEPAL_PCT_GDP),
    ("brief estimated USD 669 billion for low- and middle-income countries", "USD 669 billion",
     KNOMAD_2023_DEC_BRIEF),
    ("gave USD 647 billion for 2023", "USD 647 billion", KNOMAD_2023_BLOG),
    ("estimate of USD 685 billion for 2024", "USD 685 billion", KNOMAD_2024_BLOG),
    # Section 4
    ("asks that by 2030 the cost fall below 3%, and that no corridor cost more than 5%",
     "below 3%", SDG_BELOW),
    ("asks that by 2030 the cost fall below 3%, and that no corridor cost more than 5%",
     "more than 5%", SDG_CEILING),
    ("dearest channel, at 11.48% of the amount sent on average", "11.48%", RPW_BANKS_PCT),
    ("region to send money to, at 7.39%", "7.39%", RPW_SSA_PCT),
    ("covers fewer corridors (279 to 298 a quarter, against 367 in the survey)", "279",
     lambda: _corridors_per_quarter().min()),
    ("covers fewer corridors (279 to 298 a quarter, against 367 in the survey)", "298",
     lambda: _corridors_per_quarter().max()),
    ("covers fewer corridors (279 to 298 a quarter, against 367 in the survey)", "367",
     RPW_CORRIDORS),
    ("the plain average fell from about 7.6% in 2016", "about 7.6%", lambda: _panel().mean()[2016]),
    ("to about 6.5% in 2021 and 2022", "about 6.5%",
     lambda: [_panel().mean()[2021], _panel().mean()[2022]]),
    ("then rose again to about 7.1% in 2024", "about 7.1%", lambda: _panel().mean()[2024]),
    ("cost less, about 5.3% in 2025", "about 5.3%", lambda: _panel().median()[2025]),
    ("the plain average over 279 corridors was 6.92%", "279", lambda: len(_round())),
    ("the plain average over 279 corridors was 6.92%", "6.92%", lambda: _round().mean()),
    ("only 10.4% of the corridors cost less than 3%", "10.4%",
     lambda: (_round() < 3).mean() * 100),
    ("only 10.4% of the corridors cost less than 3%", "less than 3%", SDG_BELOW),
    ("more than half of them (55.6%) still cost more than 5%", "more than half",
     lambda: float((_round() > 5).mean())),
    ("more than half of them (55.6%) still cost more than 5%", "55.6%",
     lambda: (_round() > 5).mean() * 100),
    ("more than half of them (55.6%) still cost more than 5%", "more than 5%", SDG_CEILING),
    ("a few corridors show prices below 0% or above 30%", "below 0%",
     Threshold(0, lambda: 0 < (_round() < 0).sum() < 10)),
    ("a few corridors show prices below 0% or above 30%", "above 30%",
     Threshold(30, lambda: 0 < (_round() > 30).sum() < 10)),
    # Section 5
    ("about two-thirds of the world's then 25 million refugees lived in urban areas",
     "about two-thirds", UNHCR_URBAN_2018),
    ("about two-thirds of the world's then 25 million refugees lived in urban areas",
     "25 million", UNHCR_REFUGEES_2018),
    ("117.3 million at the end of 2023", "117.3 million", UNHCR_DISPLACED_2023),
    # Section 6
    ("funded 51 small projects in 16 countries", "51", JMDI_PHASE1[0]),
    ("funded 51 small projects in 16 countries", "16", JMDI_PHASE1[1]),
    ("scaled up 15 locally led projects in 8 countries", "15", JMDI_PHASE2),
    ("scaled up 15 locally led projects in 8 countries", "8", len(JMDI_PHASE2_COUNTRIES)),
    ("a 2022 report mentions 29 projects financed", "29", SEDHIOU_PROJECTS_2022),
    # What's next
    ("around 300 million international migrants", "around 300 million", lambda: _world(2024)),
    ("remittances that weigh more than a quarter of the economy in some countries",
     "more than a quarter", Threshold(0.25, lambda: _countries_over_quarter_of_gdp() >= 2)),
]
