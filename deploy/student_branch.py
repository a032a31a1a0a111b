#!/usr/bin/env python3
"""Put the student version of the course on its own branch, for nbgitpuller and Binder.

    python3 deploy/student_branch.py --repo-url https://github.com/OWNER/REPO
    git push origin student

The branch `student` gets one new commit holding only what trainees may see:

    core/01_why_local.ipynb ...   the content of release/ (nbgrader's student versions)
    README.md                     how to open the workbooks
    requirements.txt              for Binder (repo2docker): the course package

notebooks/ and source/ (solutions, hidden tests) never go there, and the commit is
refused if a student notebook still holds a solution or hidden-test marker. Only git
plumbing is used, with a private index: the working tree, the index and the checked-out
branch are not touched. The commit is made from a committed revision (default HEAD),
so commit release/ first. Running it again without changes makes no new commit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
# Never in a student commit: instructor material and a trainee's or grader's files.
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
FORBIDDEN_SUFFIXES = (".answers.json", "gradebook.db")


def git(repo: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], input=stdin, text=True, check=False,
                            capture_output=True, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout.strip()


def nbgitpuller_link(hub: str, repo_url: str, branch: str, notebook: str) -> str:
    """A link that clones (or updates) the branch into the trainee's home and opens
    the notebook in JupyterLab; nbgitpuller names the folder after the repository."""
    folder = repo_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in (
        ("repo", repo_url), ("branch", branch), ("urlpath", f"lab/tree/{folder}/{notebook}")))
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def first_notebooks(repo: Path, tree: str) -> dict[str, str]:
    """Each module (assignment folder) and its first notebook, e.g. core -> core/00_....ipynb."""
    found: dict[str, str] = {}
    for path in sorted(git(repo, "ls-tree", "-r", "--name-only", tree).splitlines()):
        if path.endswith(".ipynb") and path.count("/") == 1:
            found.setdefault(path.split("/")[0], path)
    return found


def check_student_only(repo: Path, tree: str) -> None:
    for line in git(repo, "ls-tree", "-r", tree).splitlines():
        meta, path = line.split("\t", 1)
        blob = meta.split()[2]
        if path.endswith(FORBIDDEN_SUFFIXES) or "/." in f"/{path}":
            raise SystemExit(f"release/{path} must not reach trainees: remove it and rebuild")
        if path.endswith(".ipynb"):
            text = git(repo, "cat-file", "blob", blob)
            leaked = [m for m in MARKERS if m in text]
            if leaked:
                raise SystemExit(f"release/{path} still contains {leaked}: run `mld build`")


def readme(modules: dict[str, str], repo_url: str, branch: str) -> str:
    lines = [
        "# Migration and Local Development: trainee workbooks",
        "",
        "These are the student versions of the course notebooks. Open one, run it from the",
        "top (*Run ▸ Run All Cells*) and answer the exercises with the buttons, menus and",
        "text boxes. Your answers are saved in a small file next to each notebook (for",
        "example `core_01_why_local.answers.json`): keep it with the notebook.",
        "",
        "On your course's JupyterHub, use the links your instructor gives you: they copy this",
        "folder into your home the first time and bring in updates later without touching",
        "your answers. To try a workbook without an account, open it on Binder:",
        "",
    ]
    for module, notebook in modules.items():
        binder = (f"https://mybinder.org/v2/git/{quote(repo_url, safe='')}/{branch}"
                  f"?urlpath={quote(f'lab/tree/{notebook}', safe='')}")
        lines.append(f"- {module}: [{notebook}]({notebook}) ([open on Binder]({binder}))")
    lines += ["", "Work saved on Binder is lost when the session ends: download it first.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the course repository")
    parser.add_argument("--from", dest="source", default="HEAD",
                        help="the revision whose release/ is published (default HEAD)")
    parser.add_argument("--branch", default="student")
    parser.add_argument("--repo-url", default=None,
                        help="the public repository URL (default: the `origin` remote)")
    parser.add_argument("--package", default=None,
                        help="what Binder installs (default: the course package from "
                             "REPO_URL at the source commit)")
    parser.add_argument("--hub", default="https://<your-hub>",
                        help="the hub for the printed nbgitpuller links")
    args = parser.parse_args()

    repo = args.repo.resolve()
    repo_url = args.repo_url or git_config(repo, "remote.origin.url")
    if not repo_url:
        raise SystemExit("Give the public repository URL with --repo-url (there is no origin).")
    source = git(repo, "rev-parse", "--verify", f"{args.source}^{{commit}}")
    release = git(repo, "rev-parse", "--verify", f"{source}:release")
    check_student_only(repo, release)
    if git(repo, "status", "--porcelain", "--", "release"):
        print("! release/ has uncommitted changes: they are not published.", file=sys.stderr)
    modules = first_notebooks(repo, release)
    package = args.package or f"toolbox-widgets @ git+{repo_url}@{source}"

    with tempfile.TemporaryDirectory() as scratch:
        # A private index: the repository's own index and working tree stay as they are.
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(repo, "read-tree", release, env=env)
        extras = {"README.md": readme(modules, repo_url, args.branch),
                  "requirements.txt": (
                      "# Binder (repo2docker) installs the course package and its JupyterLab\n"
                      f"# extensions from this file.\n{package}\n")}
        for name, text in extras.items():
            blob = git(repo, "hash-object", "-w", "--stdin", stdin=text)
            git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        tree = git(repo, "write-tree", env=env)

    ref = f"refs/heads/{args.branch}"
    old = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "-q", ref],
                         capture_output=True, text=True, check=False).stdout.strip()
    if old and git(repo, "rev-parse", f"{old}^{{tree}}") == tree:
        print(f"{args.branch} is up to date ({old[:10]}).")
    else:
        parents = ["-p", old] if old else []
        identity = {}
        if not git_config(repo, "user.email"):  # a fresh CI clone: still say who made the commit
            identity = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                        for what, value in (("NAME", "Course build"),
                                            ("EMAIL", "course-build@localhost"))}
        commit = git(repo, "commit-tree", tree, *parents, "-m",
                     f"Student version of {source[:10]}: release/ only", env=identity)
        git(repo, "update-ref", ref, commit, old or "0" * 40)
        print(f"{args.branch} is now {commit[:10]} (release/ of {source[:10]}).")
    print("Publish it with: git push origin " + args.branch)
    print("nbgitpuller links, one per module:")
    for module, notebook in modules.items():
        print(f"  {module}: {nbgitpuller_link(args.hub, repo_url, args.branch, notebook)}")


def git_config(repo: Path, key: str) -> str:
    """A git setting, or "" when it is not set."""
    found = subprocess.run(["git", "-C", str(repo), "config", "--get", key],
                           capture_output=True, text=True, check=False)
    return found.stdout.strip()


if __name__ == "__main__":
    main()
