"""Checks for the curated course data (data/) and its loader (toolbox_widgets.trainee.data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolbox_widgets import data

DATA = Path(__file__).resolve().parents[1] / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
NAMES = [r["name"] for r in PACKAGE["resources"]]


@pytest.fixture(autouse=True)
def repo_data(monkeypatch):
    """Every test reads the repository's data/ unless it points elsewhere itself."""
    monkeypatch.setenv("TOOLBOX_DATA_DIR", str(DATA))


# --- the package as a whole -------------------------------------------------------


def test_frictionless_validates_the_package():
    from frictionless import validate

    report = validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_every_resource_is_cited_and_licensed():
    for res in PACKAGE["resources"]:
        assert res["citation"] and res["sources"] and res["licenses"], res["name"]
        assert res["schema"]["missingValues"] == [""]
        assert (DATA / res["path"]).is_file()


def test_data_folder_stays_small():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 5_000_000


def test_list_tables_matches_the_package():
    assert list(data.list_tables()["name"]) == NAMES


# --- every table loads, with unique keys and sensible dtypes ----------------------


@pytest.mark.parametrize("name", NAMES)
def test_table_loads_with_unique_keys(name):
    df = data.load(name)
    keys = next(r for r in PACKAGE["resources"] if r["name"] == name)["schema"]["primaryKey"]
    assert len(df) > 0
    assert not df.duplicated(keys).any()
    if "year" in keys:
        assert df["year"].dtype == "int64"
    # Every row names its place: a country, a sending country, or an area (the sample town).
    assert {"country", "sending_country", "area"} & set(df.columns)
    assert data.citation(name)


def test_dtypes():
    stock = data.migrant_stock()
    assert stock["iso3"].dtype == "string" and stock["country"].dtype == "string"
    assert stock["migrants"].dtype == "Int64"
    assert stock["migrants_pct_of_population"].dtype == "float64"
    assert data.remittances()["inflow_usd_million"].dtype == "float64"
    assert data.refugees()["oip"].dtype == "Int64"


def test_loader_returns_copies():
    df = data.remittances()
    df.loc[:, "inflow_usd_million"] = -1.0
    assert (data.remittances()["inflow_usd_million"].dropna() >= 0).all()


# --- headline figures of the publishers -------------------------------------------


def value(df, column, **where):
    mask = pd.Series(True, index=df.index)
    for key, wanted in where.items():
        mask &= df[key] == wanted
    (result,) = df.loc[mask, column]
    return result


def test_un_desa_headline_figures():
    dest = data.migrant_stock(by="destination")
    assert value(dest, "migrants", iso3="WLD", year=2024) == pytest.approx(304.0e6, rel=1e-3)
    # Rev.2024 revised 2020 down from Rev.2020's 281 M.
    assert value(dest, "migrants", iso3="WLD", year=2020) == pytest.approx(275.3e6, rel=1e-3)
    assert value(dest, "migrants", iso3="USA", year=2024) == pytest.approx(52.4e6, rel=1e-3)
    countries = dest[dest["area_type"] == "country"]
    assert countries.groupby("year")["migrants"].sum()[2024] == value(
        dest, "migrants", iso3="WLD", year=2024)
    assert sorted(dest["year"].unique()) == [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]

    origin = data.migrant_stock(by="origin")
    top = origin[(origin["area_type"] == "country") & (origin["year"] == 2024)]
    top = top.sort_values("emigrants", ascending=False).iloc[0]
    assert top["iso3"] == "IND" and top["emigrants"] == pytest.approx(18.5e6, rel=2e-3)
    assert value(origin, "country", iso3="UNK", year=2024) == "Unknown origin"


def test_knomad_figures_and_zero_treatment():
    rem = data.remittances()
    assert value(rem, "inflow_usd_million", iso3="IND", year=2022) == pytest.approx(
        111_221.8, rel=1e-4)
    assert value(rem, "outflow_usd_million", iso3="USA", year=2022) == pytest.approx(
        79_200, rel=1e-2)
    assert pd.isna(value(rem, "inflow_usd_million", iso3="AFG", year=2000))
    assert value(rem, "inflow_usd_million", iso3="AFG", year=2008) > 0
    assert set(rem.loc[rem["iso3"].isin(["WLD", "LMY"]), "area_type"]) == {"world", "aggregate"}
    # % of GDP is taken for 2000-2021 only.
    assert rem.loc[rem["year"] == 2022, "inflow_pct_gdp"].isna().all()
    assert value(rem, "inflow_pct_gdp", iso3="TON", year=2021) == pytest.approx(46, abs=2)


def test_rpw_figures():
    costs = data.remittance_costs()
    usa_mex = costs[(costs["sending_iso3"] == "USA") & (costs["receiving_iso3"] == "MEX")
                    & (costs["year"] == 2020)]
    assert 3.5 < usa_mex["cost_pct"].mean() < 4.5
    assert costs["period"].max() == "2020Q3"


def test_unhcr_figures():
    asylum = data.refugees(by="asylum")
    world = asylum.groupby("year")["refugees"].sum()
    assert world[2024] == pytest.approx(31.0e6, rel=5e-3)
    assert world[2020] == pytest.approx(20.7e6, rel=5e-3)
    assert asylum["year"].between(2000, 2025).all()
    origin = data.refugees(by="origin")
    assert "UNK" in set(origin["iso3"])
    top = origin[origin["year"] == 2024].sort_values("refugees", ascending=False).iloc[0]
    assert top["iso3"] == "SYR"


# --- loader errors ----------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("TOOLBOX_DATA_DIR", str(copy))
    return copy


def edit_csv(path: Path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    change(lines)
    path.write_text("".join(lines), encoding="utf-8")


def test_missing_file(data_copy):
    (data_copy / "remittances.csv").unlink()
    with pytest.raises(data.DataFileError, match=r"remittances\.csv: the file is missing") as err:
        data.remittances()
    assert "pip install --force-reinstall toolbox-widgets" in str(err.value)


def test_garbage_bytes(data_copy):
    (data_copy / "remittance_costs.csv").write_bytes(bytes(range(256)) * 20)
    with pytest.raises(data.DataFileError, match=r"remittance_costs\.csv") as err:
        data.remittance_costs()
    assert "CSV" in str(err.value) or "column" in str(err.value)


def test_renamed_column(data_copy):
    path = data_copy / "migrant_stock_by_destination.csv"
    edit_csv(path, lambda lines: lines.__setitem__(0, lines[0].replace(",migrants,", ",migrant,")))
    with pytest.raises(data.DataFileError, match=r"migrant_stock_by_destination\.csv") as err:
        data.migrant_stock()
    assert "missing: migrants;" in str(err.value)
    assert "unexpected: migrant;" in str(err.value)


def _text_in_the_refugees_column(data_copy):
    """Line 6 of refugees_by_asylum.csv says "many" where a number belongs."""
    def break_row_5(lines):
        cells = lines[5].split(",")
        cells[4] = "many"  # the refugees column
        lines[5] = ",".join(cells)

    edit_csv(data_copy / "refugees_by_asylum.csv", break_row_5)


def test_text_in_numeric_column(data_copy):
    _text_in_the_refugees_column(data_copy)
    with pytest.raises(data.DataFileError, match=r"refugees_by_asylum\.csv") as err:
        data.refugees(by="asylum")
    message = str(err.value)
    assert "column refugees" in message and "line 6" in message and "'many'" in message
    assert "1 bad value in this column" in message


def test_a_damaged_file_is_explained_in_the_trainees_language(data_copy):
    from toolbox_widgets import set_language
    from toolbox_widgets.trainee import i18n

    _text_in_the_refugees_column(data_copy)
    try:
        set_language("fr")
        with pytest.raises(data.DataFileError) as err:
            data.refugees(by="asylum")
    finally:
        i18n.use_language(None)
    assert "Fichier de données du cours" in str(err.value)
    assert "n'est pas un nombre à la ligne 6" in str(err.value)
    assert "valeur erronée dans cette colonne" in str(err.value)


def test_error_is_a_value_error_and_repair_is_picked_up(data_copy):
    path = data_copy / "remittances.csv"
    good = path.read_bytes()
    path.write_text("nonsense\n", encoding="utf-8")
    with pytest.raises(ValueError):
        data.remittances()
    path.write_bytes(good)
    assert len(data.remittances()) > 0


@pytest.mark.parametrize("call", [lambda: data.migrant_stock(by="host"),
                                  lambda: data.refugees(by="destination")])
def test_bad_by_argument(call):
    with pytest.raises(ValueError, match="use one of") as err:
        call()
    assert not isinstance(err.value, data.DataFileError)


def test_unknown_table_name():
    with pytest.raises(ValueError, match="Available tables"):
        data.load("no_such_table")


# --- the newer tables, codes and regions ------------------------------------------


def test_rpw_2016_2025_figures():
    costs = data.remittance_costs(years="2016-2025")
    assert (costs["period"].min(), costs["period"].max()) == ("2016Q2", "2025Q1")
    latest = costs[costs["period"] == "2025Q1"]
    assert latest["cost_pct"].mean() == pytest.approx(6.92, abs=0.005)
    usa_mex = costs[(costs["sending_iso3"] == "USA") & (costs["receiving_iso3"] == "MEX")]
    assert usa_mex.groupby("year")["cost_pct"].mean().between(4, 5.3).all()
    assert costs["providers"].min() >= 1
    # Sending more costs less, in % of the amount sent, in most corridor-quarters.
    assert (costs["cost_pct_500"] < costs["cost_pct"]).mean() > 0.9
    older = data.remittance_costs()
    assert older["period"].max() == "2020Q3"  # the default is unchanged
    # data/README.md: where both tables hold a corridor-quarter, 85 % agree within 0.01 pp,
    # yet the plain 2020 averages differ (6.98 % and 6.76 %): different corridors.
    both = older.merge(costs, on=["sending_iso3", "receiving_iso3", "year", "quarter"])
    assert len(both) == 5_278
    assert round(((both["cost_pct_x"] - both["cost_pct_y"]).abs() < 0.01).mean(), 2) == 0.85
    by_year = [t.loc[t["year"] == 2020, "cost_pct"].mean() for t in (older, costs)]
    assert [round(v, 2) for v in by_year] == [6.98, 6.76]


def test_bilateral_remittances_figures():
    pairs = data.bilateral_remittances()
    assert pairs["remittances_usd_million"].sum() == pytest.approx(781_075.7, abs=0.1)
    top = pairs.sort_values("remittances_usd_million", ascending=False).iloc[0]
    assert (top["sending_iso3"], top["receiving_iso3"]) == ("USA", "MEX")
    assert top["remittances_usd_million"] == pytest.approx(52_595.3, abs=0.1)
    assert set(pairs["year"]) == {2021}


def test_one_code_per_place_in_every_table():
    """Kosovo is XKX in every table (RPW's own KSV is not used), so tables join on codes."""
    for name in NAMES:
        df = data.load(name)
        for side in ["", "sending_", "receiving_"]:
            code, label = f"{side}iso3", f"{side}country"
            if code not in df.columns:
                continue
            assert "KSV" not in set(df[code]), name
            # UN DESA and UNHCR count Kosovo within Serbia (SRB): only Kosovo alone is XKX.
            kosovo = set(df.loc[df[label] == "Kosovo", code])
            assert kosovo <= {"XKX"}, (name, kosovo)
    costs = data.remittance_costs()
    assert "XKX" in set(costs["receiving_iso3"])


def test_region_of():
    assert data.region_of("NGA") == "Sub-Saharan Africa"
    assert data.region_of("XKX") == "Europe & Central Asia"
    assert data.region_of("NGA", by="un") == "Africa"
    assert data.region_of("ZZZ") is None
    regions = data.region_of(pd.Series(["MEX", "ZZZ", "IND"], index=[5, 6, 7]))
    assert list(regions.index) == [5, 6, 7]
    assert regions[5] == "Latin America & Caribbean" and pd.isna(regions[6])
    assert list(data.region_of(["NPL", "PHL"])) == ["South Asia", "East Asia & Pacific"]
    # Every receiving country of the newer cost table has a World Bank region.
    costs = data.remittance_costs(years="2016-2025")
    assert data.region_of(costs["receiving_iso3"]).notna().all()
    assert set(data.country_regions()["wb_region"]) == {
        "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean",
        "Middle East & North Africa", "North America", "South Asia", "Sub-Saharan Africa"}


@pytest.mark.parametrize("call, message", [
    (lambda: data.region_of("MEX", by="continent"), "by='continent' is not allowed"),
    (lambda: data.remittance_costs(years="2025"), "years='2025' is not allowed"),
])
def test_bad_choice_for_new_loaders(call, message):
    with pytest.raises(ValueError, match=message) as err:
        call()
    assert "use one of" in str(err.value)


def test_damaged_new_table_is_named(data_copy):
    path = data_copy / "bilateral_remittances_2021.csv"
    edit_csv(path, lambda lines: lines.__setitem__(3, lines[3].replace(",2021,", ",20x1,")))
    with pytest.raises(data.DataFileError, match=r"bilateral_remittances_2021\.csv") as err:
        data.bilateral_remittances()
    assert "column year" in str(err.value) and "line 4" in str(err.value)


# --- the fast typed reading agrees with the checked one -----------------------------


def _arguments(path: Path, resource: dict) -> tuple:
    schema = resource["schema"]
    return (str(path), schema["fields"], set(schema.get("primaryKey", [])),
            set(schema.get("missingValues", [""])))


@pytest.mark.parametrize("name", NAMES)
def test_typed_reading_equals_the_checked_reading(name):
    """Every shipped table takes the fast path, and it gives the very frame (values,
    missing values, dtypes) that the column-by-column checked reading gives."""
    resource = next(r for r in PACKAGE["resources"] if r["name"] == name)
    arguments = _arguments(DATA / resource["path"], resource)
    typed, checked = data._read_typed(*arguments), data._read_checked(*arguments)
    assert typed is not None, f"{name} fell back to the slow checked reading"
    pd.testing.assert_frame_equal(typed, checked)


# Texts pandas.to_numeric would not read as a number, and whole-number and key troubles:
# the typed reading must leave each to the checked reading, which names it.
@pytest.mark.parametrize("bad, column", [
    ("nan", "inflow_usd_million"), ("NA", "inflow_usd_million"), ("1,5", "inflow_usd_million"),
    ("1_000", "inflow_usd_million"), ("0x10", "inflow_usd_million"), ("--5", "inflow_usd_million"),
    ("١٢", "inflow_usd_million"), ("null", "inflow_usd_million"), ("2020.5", "year"),
    ("", "year")])
def test_typed_reading_leaves_every_bad_value_to_the_checked_reading(data_copy, bad, column):
    path = data_copy / "remittances.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    at = header.index(column)

    def change(lines):
        cells = lines[1].rstrip("\n").split(",")
        cells[at] = f'"{bad}"'
        lines[1] = ",".join(cells) + "\n"

    edit_csv(path, change)
    resource = next(r for r in PACKAGE["resources"] if r["name"] == "remittances")
    assert data._read_typed(*_arguments(path, resource)) is None
    with pytest.raises(data.DataFileError, match=rf"remittances\.csv.*{column}.*line 2"):
        data.remittances()


def test_typed_reading_leaves_whole_numbers_beyond_float_precision(data_copy):
    """A count beyond 2**53 would lose digits as float64: the checked reading takes it."""
    path = data_copy / "refugees_by_asylum.csv"
    edit_csv(path, lambda lines: lines.__setitem__(
        1, lines[1].rsplit(",", 1)[0] + ",9007199254740993\n"))
    resource = next(r for r in PACKAGE["resources"] if r["name"] == "refugees_by_asylum")
    assert data._read_typed(*_arguments(path, resource)) is None
