"""What a trainee waits for, per student notebook: Run All, the file size after it, and
the time a widget change takes to reach the answers file. Prints the figures against
the targets (2 cores): Run All <= 4 s median, kernel side <= 3x the time a bare kernel
takes to import the same packages, <= 1 MB after Run All, save <= 100 ms.

"The same packages" are read from the kernel after Run All, not listed by hand: every
module of a third-party package (pandas, plotly, ipywidgets, anywidget …) the notebook
loaded, its lazily loaded parts included (plotly loads a chart type's code at its first
chart), imported in the same order in a fresh kernel. The course's own package and the
standard library are not counted: their time is the course's.

    .venv/bin/python benchmarks/trainee.py [--repeat 3] [--notebooks 01 03] [--module module1]

Run All is timed from a started kernel (as after opening a notebook in JupyterLab) to
the last cell's reply, in a scratch copy of release/<module> (core unless --module). The
browser's own drawing time is not included; the save time is measured in the kernel,
from the change of a control to the answers file written (the path a click takes once it
reaches the kernel).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TARGET_RUN_ALL = 4.0  # seconds, median per notebook
TARGET_KERNEL_FACTOR = 3.0
TARGET_SIZE = 1_000_000  # bytes after Run All
TARGET_SAVE = 0.100  # seconds
OWN_PACKAGE = "toolbox_widgets"
# Prints, as JSON, the modules of third-party packages loaded in this kernel.
LOADED = ("import sys as _s, json as _j; print(_j.dumps([m for m in list(_s.modules) "
          "if m.partition('.')[0] not in _s.stdlib_module_names]))")
IMPORT_ALL = """import importlib
for _m in {modules!r}:
    try:
        importlib.import_module(_m)
    except Exception:  # a module that only imports as part of another
        pass
"""

# Runs in the trainee's kernel after Run All: change each exercise's control the way a
# click does, and time it until the answers file holds the new value.
SAVE_PROBE = r'''
import json as _json, time as _time
def _probe():
    times = []
    for _exercise in list(book.exercises.values()):
        if not hasattr(_exercise, "_read") or getattr(_exercise, "practice", True):
            continue
        # A click: the first option of a choice group, the first entry of a first menu.
        _control = getattr(_exercise, "control", None)
        _menus = getattr(_exercise, "menus", None)
        if hasattr(_control, "selected") and _control.options:
            _click = lambda: setattr(_control, "selected", [0])
        elif _menus and len(_menus[0].options) > 1:
            _click = lambda: setattr(_menus[0], "value", _menus[0].options[1][1])
        else:
            continue
        _start = _time.perf_counter()
        _click()
        _saved = _json.loads(book.store.path.read_text())["answers"].get(_exercise.id)
        times.append(_time.perf_counter() - _start)
        assert _saved is not None
    print(_json.dumps(times))
_probe()
'''


def started_kernel(folder: Path) -> KernelManager:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(folder), env={**__import__("os").environ,
                                                "NBGRADER_EXECUTION": ""})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    client.stop_channels()
    return manager


def loaded_modules(client) -> list[str]:
    printed = []
    client.execute_interactive(LOADED, timeout=60, output_hook=lambda m: printed.append(
        m["content"]["text"]) if m["msg_type"] == "stream" else None)
    return json.loads("".join(printed))


def run_all(notebook: Path, folder: Path) -> tuple[float, int, list[float], list[str]]:
    """Seconds for Run All from a started kernel, bytes after, save times (s), and the
    third-party modules Run All loaded.

    Like JupyterLab's Run All, every cell is sent at once and the kernel works through
    the queue; the time ends when the last cell's work is done (kernel idle)."""
    nb = nbformat.read(notebook, as_version=4)
    code = {}
    manager = started_kernel(folder)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        before = set(loaded_modules(client))
        start = time.perf_counter()
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                code[client.execute(cell.source, allow_stdin=False)] = cell
        pending = set(code)
        while pending:
            message = client.get_iopub_msg(timeout=120)
            cell = code.get(message["parent_header"].get("msg_id"))
            kind = message["msg_type"]
            if cell is None:
                continue
            if kind == "status" and message["content"]["execution_state"] == "idle":
                pending.discard(message["parent_header"]["msg_id"])
            elif kind in ("stream", "display_data", "execute_result", "error"):
                cell.outputs.append(nbformat.v4.output_from_msg(message))
        elapsed = time.perf_counter() - start
        modules = [m for m in loaded_modules(client) if m not in before
                   and m.partition(".")[0] != OWN_PACKAGE]
        copy = folder / notebook.name
        nbformat.write(nb, copy)
        size = copy.stat().st_size
        saves = []
        if any("Workbook(" in c.source for c in code.values()):
            reply = client.execute_interactive(SAVE_PROBE, timeout=60, output_hook=lambda m: (
                saves.extend(json.loads(m["content"]["text"].strip().splitlines()[-1]))
                if m["msg_type"] == "stream" else None))
            assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return elapsed, size, saves, modules


def bare_import(folder: Path, modules: list[str]) -> float:
    """Seconds a fresh kernel takes to import these modules, in this order."""
    manager = started_kernel(folder)
    try:
        code = IMPORT_ALL.format(modules=modules)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        client = NotebookClient(nb, km=manager, timeout=120)
        with client.setup_kernel():
            start = time.perf_counter()
            client.execute_cell(nb.cells[0], 0)
            return time.perf_counter() - start
    finally:
        manager.shutdown_kernel(now=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--notebooks", nargs="*", default=[],
                        help="file name prefixes, e.g. 01 03 (default: all)")
    parser.add_argument("--module", default="core", help="an assignment of release/ "
                        "(default: core), e.g. module1")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "release" / args.module).glob("*.ipynb"))
    if args.notebooks:
        notebooks = [n for n in notebooks if n.name.startswith(tuple(args.notebooks))]
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        print(f"{'notebook':<28}{'Run All (s)':>12}{'imports (s)':>12}{'x imports':>11}"
              f"{'size (KB)':>11}{'save (ms)':>11}{'slowest':>9}  verdict")
        misses = 0
        for notebook in notebooks:
            times, sizes, saves = [], [], []
            for attempt in range(args.repeat):
                folder = base / f"{notebook.stem}-{attempt}"
                shutil.copytree(ROOT / "release" / args.module, folder)
                elapsed, size, save, modules = run_all(folder / notebook.name, folder)
                times.append(elapsed)
                sizes.append(size)
                saves += save
            median = statistics.median(times)
            imports = statistics.median(bare_import(base, modules) for _ in range(args.repeat))
            save = statistics.median(saves) if saves else 0.0
            worst_save = max(saves) if saves else 0.0
            factor = median / imports if imports else float("inf")
            failed = [name for name, bad in (
                ("Run All", median > TARGET_RUN_ALL),
                ("kernel", factor > TARGET_KERNEL_FACTOR),
                ("size", max(sizes) > TARGET_SIZE),
                ("save", save > TARGET_SAVE)) if bad]
            misses += bool(failed)
            print(f"{notebook.name:<28}{median:>12.2f}{imports:>12.2f}{factor:>11.1f}"
                  f"{max(sizes) / 1000:>11.0f}"
                  f"{save * 1000:>11.1f}{worst_save * 1000:>9.1f}  "
                  + ("meets the targets" if not failed else "MISSES: " + ", ".join(failed)))
        print(f"\nTargets: Run All <= {TARGET_RUN_ALL:g} s median, kernel <= "
              f"{TARGET_KERNEL_FACTOR:g}x the bare import of the third-party modules the "
              f"notebook loads (imports, median), size <= {TARGET_SIZE / 1e6:g} MB, "
              f"save <= {TARGET_SAVE * 1000:g} ms (median over the graded controls; the slowest "
              "is shown too). Size: the file as the kernel's outputs make it; JupyterLab also "
              "stores a PNG of each chart, so a file saved there is larger (the browser test "
              "checks that one).")
        return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
