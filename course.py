#!/usr/bin/env python3
"""Set up and run the course on a fresh machine: only Python 3.10+ is needed.

    python3 course.py open    # make .venv, install the course, open the self-study version
    python3 course.py open --class   # open the class version (nbgrader) instead
    python3 course.py open --lang fr # the course in French (es: Spanish), JupyterLab too
    python3 course.py test    # make .venv, install the course and its test tools, run every test
    python3 course.py hub     # as root: the course on a trial JupyterHub at 127.0.0.1:8000

Anything after `--` goes to JupyterLab or pytest, e.g. `python3 course.py open -- --port 8899`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
WORKSPACE = ROOT / "workspace"  # a trainee's own copy of the student notebooks
FIRST_NOTEBOOK = "core/00_overview.ipynb"
# Which generated tree a learner opens, and where their own copy goes in workspace/.
VERSIONS = {"self-study": ("selfstudy", "self-study"), "class": ("release", "class")}
# The languages a trainee can pick, with JupyterLab's locale for its own interface
# (the jupyterlab-language-pack-fr-FR and -es-ES packages). The course's assignment in a
# language is <module>_<lang>, e.g. core_fr (toolbox_widgets/course/layout.py).
LANGUAGES = {"fr": "fr_FR", "es": "es_ES"}
TRANSLATED = re.compile(r"(core|module\d)_([a-z]{2,3})")


def run(*command, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT, env=tool_env(), **kwargs)


def tool_env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def install(extras: str) -> None:
    """Create .venv and install the course into it; skipped when nothing changed."""
    if not PYTHON.exists():
        print(f"Creating the virtual environment {VENV.name}/ ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(wanted)


def ensure_system_packages() -> None:
    """Browser tests need Debian's Chromium, mld grade bubblewrap, the trial hub Node.js
    and python3-venv, the catalog checks GNU gettext, the profile builder's PDF checks
    poppler (pdftotext, pdftoppm): install what is missing when we are allowed to."""
    needs = (("chromium", "chromium"), ("bubblewrap", "bwrap"), ("nodejs", "node"),
             ("npm", "npm"), ("gettext", "msgfmt"),  # msgfmt -c checks the catalogs
             ("poppler-utils", "pdftotext"))
    missing = [package for package, program in needs if not shutil.which(program)]
    if Path("/usr/bin/python3").exists() and subprocess.run(
            ["/usr/bin/python3", "-c", "import ensurepip"], capture_output=True,
            check=False).returncode:
        missing.append("python3-venv")  # the trial hub's servers get a venv of it
    if not missing:
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", *missing)
    else:
        print(f"! {', '.join(missing)} not installed, so the tests that need them are skipped. "
              f"Install with: sudo apt-get install {' '.join(missing)}", flush=True)


def copy_workbooks(version: str, language: str | None = None) -> Path:
    """Copy one version's workbooks in one language into workspace/<version>[-<lang>]/;
    never overwrite a trainee's."""
    tree, folder = VERSIONS[version]
    mine = WORKSPACE / (f"{folder}-{language}" if language else folder)
    for assignment in sorted((ROOT / tree).iterdir()):
        translated = TRANSLATED.fullmatch(assignment.name)
        if translated and translated.group(2) != language or not translated and language:
            continue
        if assignment.is_dir() and not (mine / assignment.name).exists():
            shutil.copytree(assignment, mine / assignment.name)
    return mine


def first_notebook(language: str | None) -> str:
    """core/00_overview.ipynb, or core_fr/00_overview.ipynb in French."""
    return FIRST_NOTEBOOK.replace("core/", f"core_{language}/") if language else FIRST_NOTEBOOK


def open_course(extra: list[str], version: str = "self-study",
                language: str | None = None) -> None:
    install("")
    tree = VERSIONS[version][0]
    if language and not (ROOT / tree / first_notebook(language)).exists():
        sys.exit(f"The course is not released in {language!r} yet: {tree}/core_{language}/ is "
                 "missing. Translators release a language as docs/translating.md says.")
    mine = copy_workbooks(version, language)
    # Notebooks carry this kernel's language_info, so they do not open as modified.
    run(PYTHON, "-m", "toolbox_widgets.course.trainee_setup", mine)
    if language:  # "Run this cell to show the exercise." in the launch's language
        run(PYTHON, "-m", "toolbox_widgets.course.trainee_setup", "--css", language,
            lab_settings(language) / "custom")
    where = mine.relative_to(ROOT).as_posix()
    if version == "self-study":
        print(f"Your own copy of the self-study workbooks is in {where}/: every exercise "
              "has a Check my answer button and your score shows as you go.", flush=True)
    else:
        print(f"Your own copy of the class workbooks is in {where}/: graded exercises are "
              "marked by your instructor after you submit; Validate lists what is still "
              "open.", flush=True)
    os.chdir(ROOT)
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        extra = [*extra, "--allow-root"]  # JupyterLab refuses root without it (containers)
    os.execve(str(BIN / "jupyter"), lab_command(mine, language, extra), tool_env())


def lab_command(mine: Path, language: str | None, extra: list[str]) -> list[str]:
    """JupyterLab serving the trainee's own copy only: the file browser shows their
    workbooks, not the course's sources (source/ holds the class version's keys). The
    overview is LabApp's default_url: ServerApp's would be overridden by LabApp's "/lab"."""
    return ["jupyter", "lab", f"--ServerApp.root_dir={mine}",
            f"--LabApp.default_url=/lab/tree/{first_notebook(language)}",
            *trainee_lab_options(language), *extra]


def trainee_lab_options(language: str | None = None) -> list[str]:
    """The trainee's JupyterLab settings (toolbox_widgets/course/trainee_setup.py): no cell
    toolbar, no instructor tools, no prompt about Jupyter's news feed (overrides.json),
    and "Run this cell" on a reopened notebook's exercises
    (custom CSS). An instructor launch leaves them out. The same as trainee_setup.lab_options,
    written out here because this script runs before the course package is installed. In
    French or Spanish the interface follows: JupyterLab reads default settings
    (overrides.json) from the settings folder, so that launch gets a copy with the locale set,
    and custom CSS of its own in that language (open_course writes it there)."""
    lab = ROOT / "toolbox_widgets" / "course" / "trainee_lab"
    settings = lab
    if language:
        own = lab_settings(language)
        own.mkdir(parents=True, exist_ok=True)
        shutil.copy2(lab / "page_config.json", own / "page_config.json")
        overrides = json.loads((lab / "overrides.json").read_text(encoding="utf-8"))
        overrides["@jupyterlab/translation-extension:plugin"] = {"locale": LANGUAGES[language]}
        (own / "overrides.json").write_text(json.dumps(overrides, indent=2) + "\n")
        settings = own
    custom = settings / "custom"
    return [f"--LabApp.app_settings_dir={settings}", "--LabApp.custom_css=True",
            f"--ServerApp.tornado_settings={{'static_custom_path': [{str(custom)!r}]}}"]


def lab_settings(language: str) -> Path:
    """The JupyterLab settings folder of a launch in language (fr, es)."""
    return WORKSPACE / f".lab-settings-{language}"


def hub_course(extra: list[str]) -> None:
    install("hub")
    os.execv(sys.executable, [sys.executable, str(ROOT / "deploy" / "jupyterhub" / "trial.py"),
                              "--no-install", *extra])


def install_axe() -> None:
    """axe-core, which the browser tests inject into JupyterLab, into tests/axe/."""
    if shutil.which("npm") and not (ROOT / "tests" / "axe" / "node_modules" / "axe-core").exists():
        run("npm", "install", "--prefix", ROOT / "tests" / "axe", "--no-audit", "--no-fund",
            "--no-package-lock", "--silent")


# What `mld build --check` reads: if none of it changed, its verdict still holds.
CHECKED_TREES = ("notebooks", "locales", "source", "release", "selfstudy", "toolbox_widgets")


def trees_fingerprint() -> str:
    """A hash of every file that `mld build --check` reads."""
    digest = hashlib.sha256()
    for tree in CHECKED_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_course(extra: list[str]) -> None:
    # pytest's closing estimate for six modules counts the time before it too
    os.environ["MLD_CI_STARTED"] = str(time.time())
    install("test,hub")  # the hub test needs JupyterHub
    ensure_system_packages()
    install_axe()
    run(PYTHON, "-m", "ruff", "check", ".")
    started = time.monotonic()
    run(PYTHON, "-m", "toolbox_widgets.cli", "build", "--check")
    os.environ["MLD_CI_BUILD_CHECK_SECONDS"] = str(time.monotonic() - started)
    # The build check is a whole build of every module and language: pytest's own copy of
    # it (tests/test_build.py) is skipped when these very files were just checked.
    os.environ["MLD_TREES_CHECKED"] = trees_fingerprint()
    run(PYTHON, "-m", "pytest", *extra)


def main() -> None:
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    own = args[:args.index("--")] if "--" in args else args
    command = own[0] if own else ""
    try:
        options = own[1:]
        language = None
        if "--lang" in options:  # --lang fr
            at = options.index("--lang")
            language = options[at + 1] if at + 1 < len(options) else ""
            options = options[:at] + options[at + 2:]
            if language not in LANGUAGES:
                sys.exit(f"--lang takes one of: {', '.join(LANGUAGES)} (English needs none).")
        if command == "open" and set(options) <= {"--class"}:
            open_course(extra, "class" if "--class" in options else "self-study", language)
        elif command == "test":
            test_course(extra)
        elif command == "hub":
            hub_course(extra)
        else:
            sys.exit(__doc__)
    except subprocess.CalledProcessError as failure:
        sys.exit(failure.returncode)


if __name__ == "__main__":
    main()
