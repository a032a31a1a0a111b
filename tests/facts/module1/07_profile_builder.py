"""Figures in the text of Module 1 notebook 7 (the migration profile builder).

The profiles themselves are computed from data/ when the notebook runs, and
tests/test_profile_builder.py checks them against the tables; the Markdown quotes only the
target below. Valderra's sentences say that the town is fictional.
"""

from fact_rules import Cited

SDG_BELOW = Cited("below 3%", "SDG target 10.c (UN Statistics Division metadata)")

FACTS = [
    ("SDG target 10.c asks that it fall below 3% by 2030", "below 3%", SDG_BELOW),
]
