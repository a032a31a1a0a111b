"""The course's command-line tool: ``mld build [--check]``, ``mld grade ASSIGNMENT`` and
``mld certificates MODULE … | verify CODE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import (build, catalogs, chart_style, fair_keys, glossary_catalog, layout, page_text,
                     written_once)
from .grading import add_grade_command
from .grading.certificates import add_certificates_command


def _course_root(path: str) -> Path:
    root = Path(path).resolve()
    if layout.course_problem(root):
        sys.exit(layout.course_problem(root))
    return root


def cmd_build(args) -> int:
    try:
        return _build(_course_root(args.root), args.check)
    # a catalog not fit for release, or two notebooks sharing an answers file: what to fix
    except (catalogs.CatalogError, layout.LayoutError) as error:
        print(error, file=sys.stderr)
        return 1


def _build(root: Path, check: bool) -> int:
    if check:
        maths = page_text.course_maths_problems(root)
        if maths:
            print("Some text would be shown as maths in JupyterLab:")
            print("\n".join(f"  {p}" for p in maths))
        problems = build.stale_files(root) + glossary_catalog.stale(root)
        express = chart_style.express_problems(root)
        if express:
            print("Charts must be built with plotly.graph_objects (docs/architecture.md):")
            print("\n".join(f"  {p}" for p in express))
        if problems:
            print("The generated trees are stale; run `mld build` and commit the result:")
            print("\n".join(f"  {p}" for p in problems))
        drift = _exercises_written_once(root)
        if maths or problems or express or drift:
            return 1
        print("source/, release/, selfstudy/ and locales/ are up to date with notebooks/, "
              "and no text would be shown as maths.")
        return 0
    names = build.build(root)
    print(f"Built source/, release/ and selfstudy/ for: {', '.join(names) or 'no assignments'}.")
    return 1 if _exercises_written_once(root) else 0


def _exercises_written_once(root: Path) -> list[str]:
    """Run the instructor's notebooks in recording mode (cached) and report what drifted:
    points or keys written twice that disagree (errors), keys that give themselves away
    (warnings)."""
    english = [a.name for a in build.find_assignments(root) if not a.language]
    problems, keys = written_once.check(root, english)
    for name in english:
        for warning in fair_keys.warnings(name, fair_keys.choice_items(keys.get(name, {}))):
            print("Warning: " + warning)
    if problems:
        print("Some exercises say two different things; fix the notebook and build again:")
        print("\n".join(f"  {p}" for p in problems))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mld", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser(
        "build", help="make source/, release/ and selfstudy/ from notebooks/ with nbgrader")
    build_parser.add_argument("--check", action="store_true",
                              help="only report whether the committed trees are stale")
    build_parser.add_argument("--root", default=".", help="the course folder (default: here)")
    build_parser.set_defaults(run=cmd_build)
    add_grade_command(commands)
    add_certificates_command(commands)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
