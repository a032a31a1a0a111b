"""House style for charts: instructor notebooks build them with plotly.graph_objects.

plotly.express took ~17 ms per chart (~50 ms for the first) in the trainee's kernel,
against ~1 ms for a graph_objects figure: most of a notebook's Run All
(benchmarks/trainee.py). `mld build --check` reports any use of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

EXPRESS = re.compile(r"plotly\.express|\bpx\.[a-z_]+\(")
FIX = ("build the chart with plotly.graph_objects, e.g. go.Figure(go.Bar(x=..., y=...), "
       "layout=dict(title=..., xaxis_title=..., yaxis_title=...)), and show it with show_chart")


def express_problems(root: Path) -> list[str]:
    """One line per instructor notebook cell that uses plotly.express."""
    problems = []
    for path in sorted((root / "notebooks").glob("*/*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError) as error:
            problems.append(f"{path.relative_to(root)}: cannot be read ({error})")
            continue
        for number, cell in enumerate(cells, start=1):
            source = "".join(cell.get("source", []))
            if cell.get("cell_type") == "code" and EXPRESS.search(source):
                where = cell.get("id") or f"cell {number}"
                problems.append(f"{path.relative_to(root)}, {where}: uses plotly.express; {FIX}")
    return problems
