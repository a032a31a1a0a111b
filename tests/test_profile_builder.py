"""The migration profile builder (toolbox_widgets/trainee/profiles.py) and the document
writer (trainee/documents.py): country figures equal to data/, the sample municipality,
one plain message per bad upload, and the HTML and PDF files, read back with poppler's
pdftotext and rendered with pdftoppm.

MLD_SCREENSHOTS=1 also saves the first page of two profiles to docs/screenshots/.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from pdf_tools import pdf_pages, pdf_text, render

from toolbox_widgets import data
from toolbox_widgets.trainee import documents, profiles
from toolbox_widgets.trainee.profiles import UploadError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "municipal_profile_sample.csv"
TEMPLATE = ROOT / "data" / "municipal_profile_template.csv"
SHOTS = ROOT / "docs" / "screenshots"
DAY = datetime.date(2026, 12, 5)  # a fixed date, so the files of two runs are comparable


@pytest.fixture(autouse=True)
def repo_data(monkeypatch):
    monkeypatch.setenv("TOOLBOX_DATA_DIR", str(ROOT / "data"))


def by_label(profile) -> dict:
    return {i.label: i for i in profile.indicators}


# --- three countries: every figure equals the data tables -----------------------------


def expected_country(iso3: str) -> dict:
    """The figures, computed here from data/ without the builder's code."""
    dest = data.migrant_stock(by="destination").query("iso3 == @iso3 and year == 2024").iloc[0]
    orig = data.migrant_stock(by="origin").query("iso3 == @iso3 and year == 2024").iloc[0]
    asylum = data.refugees(by="asylum").query("iso3 == @iso3 and year == 2024")
    origin = data.refugees(by="origin").query("iso3 == @iso3 and year == 2024")
    rem = data.remittances().query("iso3 == @iso3").dropna(subset=["inflow_usd_million"])
    gdp = data.remittances().query("iso3 == @iso3").dropna(subset=["inflow_pct_gdp"])
    costs = data.remittance_costs(years="2016-2025").query("receiving_iso3 == @iso3")
    costs = costs[costs["period"] == costs["period"].max()]
    return {
        "Immigrants (people born abroad who live here)": int(dest["migrants"]),
        "Immigrants, share of the population": float(dest["migrants_pct_of_population"]),
        "Women among immigrants": dest["migrants_female"] / dest["migrants"] * 100,
        "Emigrants (people born here who live abroad)": int(orig["emigrants"]),
        "Women among emigrants": orig["emigrants_female"] / orig["emigrants"] * 100,
        "Refugees hosted here (UNHCR mandate)": int(asylum["refugees"].iloc[0]),
        "Refugees from here, abroad (UNHCR mandate)": int(origin["refugees"].iloc[0]),
        "Recorded remittances received (US$ million)":
            float(rem.sort_values("year")["inflow_usd_million"].iloc[-1]),
        "Remittances received, share of GDP":
            float(gdp.sort_values("year")["inflow_pct_gdp"].iloc[-1]),
        "Average cost of sending US$ 200 here": float(costs["cost_pct"].mean()),
    }


@pytest.mark.parametrize("iso3", ["SEN", "MEX", "PHL"])
def test_country_profile_figures_equal_the_data(iso3):
    profile = profiles.country_profile(iso3)
    shown = by_label(profile)
    expected = expected_country(iso3)
    assert set(expected) == set(shown)
    for label, value in expected.items():
        assert shown[label].value == pytest.approx(float(value), rel=1e-9), label
    # The written value is the same number, as the table shows it.
    immigrants = shown["Immigrants (people born abroad who live here)"]
    assert immigrants.text == f"{expected[immigrants.label]:,}"
    assert shown["Women among emigrants"].text == (
        f"{expected['Women among emigrants']:.1f}%")
    assert immigrants.year == "2024"
    # Every chart has words, and the words carry the chart's figures.
    charts = [pair for row in profile.chart_rows for pair in row]
    assert len(charts) == 4
    trend_words = charts[0][1]
    assert f"2024: {expected[immigrants.label] / divisor(profile):,.{decimals(profile)}f}" in (
        trend_words)


def divisor(profile) -> float:
    chart = profile.chart_rows[0][0][0]
    return 1e6 if "millions" in chart.y_title else 1e3


def decimals(profile) -> int:
    return 2 if divisor(profile) == 1e6 else 1


def test_a_country_with_gaps_says_not_available():
    """Tuvalu: no RPW corridor in the course's table; the profile says so, in words."""
    profile = profiles.country_profile("TUV")
    cost = by_label(profile)["Average cost of sending US$ 200 here"]
    assert cost.value is None and cost.text == "not available"
    profile.document().pdf_bytes()  # and the PDF is still written


def test_the_country_menu_lists_countries_by_name():
    names = profiles.countries()
    assert ("Senegal", "SEN") in names and len(names) > 200
    assert [n for n, _code in names] == sorted((n for n, _code in names), key=str.casefold)


# --- the sample municipality ------------------------------------------------------


def test_sample_municipality_profile():
    table = profiles.sample_table()
    raw = pd.read_csv(SAMPLE)
    pd.testing.assert_frame_equal(table, raw, check_dtype=False)
    latest = raw[raw["year"] == raw["year"].max()].sum(numeric_only=True)
    profile = profiles.municipal_profile(table, "Valderra", synthetic=True)
    shown = by_label(profile)
    assert shown["Residents"].value == latest["residents"]
    assert shown["Households with a member living abroad"].value == pytest.approx(
        latest["households_with_emigrant"] / latest["households"] * 100)
    assert shown["Households receiving remittances"].value == pytest.approx(
        latest["households_receiving_remittances"] / latest["households"] * 100)
    assert shown["Returnees per 1,000 residents"].value == pytest.approx(
        latest["returnees"] / latest["residents"] * 1000)
    assert shown["Residents born abroad"].value == pytest.approx(
        latest["foreign_born"] / latest["residents"] * 100)
    assert shown["Women among residents born abroad"].value == pytest.approx(
        latest["foreign_born_female"] / latest["foreign_born"] * 100)
    assert profile.notes[0].startswith("Valderra is fictional")
    # The per-area chart's words name every area with its three shares.
    words = profile.chart_rows[0][0][1]
    for area in raw["area"].unique():
        assert area in words


def test_the_sample_follows_its_schema_and_the_template():
    assert data.load("municipal_profile_sample").shape == (18, 9)
    assert TEMPLATE.read_text(encoding="utf-8").strip() == ",".join(profiles.COLUMNS)
    with pytest.raises(UploadError, match="no lines of figures"):
        profiles.read_municipal_table(TEMPLATE.read_bytes(), TEMPLATE.name)


def test_semicolons_and_a_byte_order_mark_are_read():
    """French and Spanish spreadsheets save CSV with semicolons; Excel adds a BOM."""
    content = "\ufeff".encode() + SAMPLE.read_bytes().replace(b",", b";")
    table = profiles.read_municipal_table(content, "valderra.csv")
    pd.testing.assert_frame_equal(table, profiles.sample_table())


# --- bad uploads: one plain message, naming the file, the place and the fix ----------

GOOD = SAMPLE.read_bytes()
BAD_UPLOADS = {
    "wrong column": (GOOD.replace(b"households_with_emigrant", b"hh_migrant", 1),
                     ["no column households_with_emigrant", "hh_migrant",
                      "Copy the template's first line"]),
    "text in a number column": (GOOD.replace(b"Centro,2020,15392", b"Centro,2020,15 392", 1),
                                ["line 3, column residents", '"15 392"', "digits only"]),
    "a percentage": (GOOD.replace(b",573,", b",12%,", 1),
                     ["line 2, column households_with_emigrant", '"12%"', "% signs"]),
    "an empty cell": (GOOD.replace(b"573,430,44", b"573,,44", 1),
                      ["line 2, column households_receiving_remittances", "empty",
                       "0 where there is none"]),
    "an empty file": (b"", ["is empty", "Fill in the template"]),
    "column names only": (GOOD.split(b"\n")[0] + b"\n", ["no lines of figures"]),
    "not UTF-8": (GOOD.replace(b"Centro", "Centro Histórico".encode("latin-1")),
                  ["not saved as UTF-8", "line 2", "CSV UTF-8"]),
    "a spreadsheet workbook": (b"PK\x03\x04" + b"\0" * 200,
                               ["spreadsheet workbook, not a CSV file", "CSV UTF-8"]),
    "a huge file": (GOOD * 3000, ["too large", "the limit is 1 MB"]),
    "a duplicated line": (GOOD + GOOD.splitlines(keepends=True)[-1],
                          ["lines 19 and 20 both give Santa Rita in 2024",
                           "one line per area and year"]),
    "a part above its whole": (GOOD.replace(b"14800,4774,573", b"14800,4774,5730", 1),
                               ["line 2", ("households_with_emigrant (5730) is larger than "
                                "households (4774)"), "Check both numbers"]),
    "no area name": (GOOD.replace(b"Centro,2015", b",2015", 1),
                     ["line 2 has no area name", "column area"]),
    "not a year": (GOOD.replace(b"Centro,2015", b"Centro,15", 1),
                   ["line 2, column year", "not a year"]),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=str)
def test_each_bad_upload_gets_one_plain_message(case):
    content, words = BAD_UPLOADS[case]
    with pytest.raises(UploadError) as caught:
        profiles.read_municipal_table(content, "my_town.csv")
    message = str(caught.value)
    assert "my_town.csv" in message
    for phrase in words:
        assert phrase in message, (phrase, message)
    assert "\n" not in message and "Traceback" not in message


def upload(builder, name: str, content: bytes) -> None:
    """What the FileUpload widget holds after the trainee picks a file."""
    builder.upload.value = ({"name": name, "type": "text/csv", "size": len(content),
                             "content": memoryview(content),
                             "last_modified": datetime.datetime(2026, 12, 5)},)


def test_the_builder_shows_a_bad_upload_as_a_sentence_and_a_good_one_as_a_profile(tmp_path,
                                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    builder = profiles.municipal_builder()
    status = builder.children[-3]
    upload(builder, "my_town.csv", BAD_UPLOADS["a percentage"][0])  # no exception escapes
    assert "✘" in status.value and "households_with_emigrant" in status.value
    assert 'role="alert"' in status.value
    upload(builder, "my_town.csv", GOOD)
    assert "✔" in status.value and "my_town" in status.value
    pdf_button = builder.children[-4].children[1]
    pdf_button.click()
    assert (tmp_path / "migration_profile_my_town.pdf").is_file()
    assert "migration_profile_my_town.pdf" in status.value


def test_the_country_builder_builds_and_saves_without_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    builder = profiles.country_builder()
    status, (build,) = builder.children[-3], builder.children[0].children[1:]
    build.click()  # nothing chosen yet: a sentence, no profile
    assert "Choose a country in the menu first" in status.value
    builder.menu.value = "SEN"
    build.click()
    assert "✔ Profile of Senegal built" in status.value
    builder.children[-4].children[0].click()
    builder.children[-4].children[0].click()  # twice: the first file is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "migration_profile_senegal-2.html", "migration_profile_senegal.html"]
    assert "migration_profile_senegal-2.html" in status.value


def test_a_menu_change_that_arrives_after_build_takes_the_profile_away(tmp_path, monkeypatch):
    """The browser can deliver Build before the menu's last change (it holds a widget's next
    change until the kernel is idle, but sends a click at once): the kernel then builds the
    country before. When the change arrives, that profile goes, and nothing of it is saved."""
    monkeypatch.chdir(tmp_path)
    builder = profiles.country_builder()
    status, (build,) = builder.children[-3], builder.children[0].children[1:]
    builder.menu.value = "GHA"
    build.click()  # the click arrived first: the country before is built
    assert "✔ Profile of Ghana built" in status.value
    builder.menu.value = "GHA"  # the same value again: no change, the profile stays
    assert "✔ Profile of Ghana built" in status.value
    builder.menu.value = "SEN"  # the menu's change, late
    assert "press Build the profile" in status.value and "Ghana" not in status.value
    builder.children[-4].children[0].click()
    assert "Build a profile first" in status.value
    assert list(tmp_path.iterdir()) == []
    build.click()
    assert "✔ Profile of Senegal built" in status.value


def test_saving_before_building_asks_to_build_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    builder = profiles.country_builder()
    builder.children[-4].children[0].click()
    assert "Build a profile first" in builder.children[-3].value
    assert list(tmp_path.iterdir()) == []


# --- the files: HTML and PDF ------------------------------------------------------


def accented_profile():
    """The sample, under a name with the characters a Latin-1 font would lose."""
    profile = profiles.municipal_profile(profiles.sample_table(),
                                         "São Tomé “Ñandú” ç’s", synthetic=True)
    profile.made_on = DAY
    return profile


def test_html_is_one_self_contained_file(tmp_path):
    profile = accented_profile()
    path = profile.document().write_html(tmp_path, profile.file_stem())
    page = path.read_text(encoding="utf-8")
    assert path.name == "migration_profile_são-tomé-ñandú-ç-s.html"
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script" not in page and 'src="' not in page  # nothing to fetch: opens offline
    assert page.count("<svg") == 3 and page.count("Chart in words:") == 3
    assert 'aria-labelledby="chart-words-' in page
    assert "São Tomé “Ñandú” ç’s" in page and "61,082" in page


@pytest.mark.parametrize("iso3", ["SEN", "MEX", "PHL"])
def test_country_pdf_is_one_page_with_its_figures(tmp_path, iso3):
    profile = profiles.country_profile(iso3)
    profile.made_on = DAY
    path = profile.document().write_pdf(tmp_path, profile.file_stem())
    text = " ".join(pdf_text(path, layout=True).split())
    assert pdf_pages(path) == 1
    assert f"Migration profile: {profile.place}" in text
    for indicator in profile.indicators:
        assert indicator.text in text, indicator.label
    assert "Chart in words:" in text and "Read with care" in text
    assert "https://www.un.org/development/desa/pd/content/international-migrant-stock" in text
    png = render(path, tmp_path / "page.png")
    assert png.stat().st_size > 20_000  # a page with charts, not a blank one
    if os.environ.get("MLD_SCREENSHOTS") == "1" and iso3 == "SEN":
        shutil.copy(png, SHOTS / "profile-builder-country-pdf.png")


@pytest.mark.parametrize(("language", "title", "day"), [
    ("fr", "Profil migratoire : Sénégal", "5 décembre 2026"),
    ("es", "Perfil migratorio: Senegal", "5 de diciembre de 2026")])
def test_a_translated_pdf_fits_one_page_and_writes_the_date_out(tmp_path, language, title, day):
    from toolbox_widgets.trainee import i18n

    assert i18n.use_language(language) == ""
    try:
        profile = profiles.country_profile("SEN")
        profile.made_on = DAY
        path = profile.document().write_pdf(tmp_path, profile.file_stem())
    finally:
        i18n.use_language("en")
    text = " ".join(pdf_text(path, layout=True).split())
    assert pdf_pages(path) == 1  # longer words than English: the page shrinks to fit
    assert title in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert day in text and "2026-12-05" not in text


def test_a_small_series_beside_a_large_one_is_not_written_as_zero():
    # Germany hosts refugees in millions; a few hundred come from Germany: the words must
    # not say 0.00 million for them, which reads as none.
    profile = profiles.country_profile("DEU")
    refugees = next(words for row in profile.chart_rows for chart, words in row
                    if "Refugees from here" in words)
    abroad = refugees.split("Refugees from here, abroad:")[1]
    assert "0.00;" not in abroad and "0.00." not in abroad, abroad


def test_municipal_pdf_prints_every_character(tmp_path):
    profile = accented_profile()
    path = profile.document().write_pdf(tmp_path, profile.file_stem())
    text = pdf_text(path, layout=True)
    assert pdf_pages(path) == 1
    assert "Migration profile: São Tomé “Ñandú” ç’s" in text
    assert "Made on 5 December 2026" in text  # written out, not ISO
    png = render(path, tmp_path / "page.png")
    assert png.stat().st_size > 20_000
    if os.environ.get("MLD_SCREENSHOTS") == "1":
        valderra = profiles.municipal_profile(profiles.sample_table(), "Valderra",
                                              synthetic=True)
        valderra.made_on = DAY
        shutil.copy(render(valderra.document().write_pdf(tmp_path, "valderra"),
                           tmp_path / "valderra.png"),
                    SHOTS / "profile-builder-municipal-pdf.png")


def test_an_earlier_file_is_never_overwritten(tmp_path):
    first = documents.write_new(tmp_path, "profile", ".pdf", b"first")
    second = documents.write_new(tmp_path, "profile", ".pdf", b"second")
    assert (first.name, second.name) == ("profile.pdf", "profile-2.pdf")
    assert first.read_bytes() == b"first" and second.read_bytes() == b"second"


def test_a_chart_without_words_is_refused():
    doc = documents.Document("Title")
    chart = documents.Chart("bar", ["a"], {"s": [1]}, title="A chart")
    with pytest.raises(ValueError, match="needs its words"):
        doc.charts([(chart, " ")])


def test_importing_the_builder_does_not_import_the_pdf_libraries():
    """A trainee's Run All imports the builder; fpdf2 and matplotlib wait for a button."""
    code = ("import sys; from toolbox_widgets.trainee import profiles; "
            "profiles.country_profile('SEN'); "
            "print(any(m.split('.')[0] in ('fpdf', 'matplotlib') for m in sys.modules))")
    result = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "TOOLBOX_DATA_DIR": str(ROOT / "data")})
    assert result.stdout.strip() == "False"
