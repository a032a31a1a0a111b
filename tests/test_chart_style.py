"""The house style for charts: instructor notebooks never use plotly.express."""

from __future__ import annotations

import json
from pathlib import Path

from toolbox_widgets.cli import main
from toolbox_widgets.course.chart_style import express_problems

ROOT = Path(__file__).resolve().parents[1]


def _notebook(folder: Path, source: str) -> Path:
    path = folder / "notebooks" / "module9" / "01_x.ipynb"
    path.parent.mkdir(parents=True)
    cell = {"cell_type": "code", "id": "a-chart", "metadata": {}, "source": [source],
            "outputs": [], "execution_count": None}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_the_course_notebooks_build_charts_with_graph_objects():
    assert express_problems(ROOT) == []


def test_a_notebook_using_plotly_express_is_named_with_the_fix(tmp_path):
    _notebook(tmp_path, 'import plotly.express as px\nfig = px.bar(df, x="a", y="b")')
    [problem] = express_problems(tmp_path)
    assert problem.startswith("notebooks/module9/01_x.ipynb, a-chart: uses plotly.express")
    assert "plotly.graph_objects" in problem and "show_chart" in problem


def test_graph_objects_charts_pass(tmp_path):
    _notebook(tmp_path, 'import plotly.graph_objects as go\nfig = go.Figure(go.Bar(x=[1], y=[2]))')
    assert express_problems(tmp_path) == []


def test_an_unreadable_notebook_is_named(tmp_path):
    _notebook(tmp_path, "").write_text("{not json", encoding="utf-8")
    [problem] = express_problems(tmp_path)
    assert problem.startswith("notebooks/module9/01_x.ipynb: cannot be read")


def test_mld_build_check_fails_on_plotly_express(tmp_path, monkeypatch, capsys):
    """The check is part of `mld build --check`, which then fails."""
    from toolbox_widgets import cli

    _notebook(tmp_path, 'fig = px.line(df, x="a", y="b")')
    monkeypatch.setattr(cli.chart_style, "express_problems",
                        lambda root: express_problems(tmp_path))
    # The other checks rebuild the course and run every notebook: not what this test is about.
    monkeypatch.setattr(cli, "_exercises_written_once", lambda root: [])
    monkeypatch.setattr(cli.build, "stale_files", lambda root: [])
    assert main(["build", "--check", "--root", str(ROOT)]) == 1
    assert "01_x.ipynb, a-chart: uses plotly.express" in capsys.readouterr().out
