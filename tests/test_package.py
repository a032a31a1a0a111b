"""The package as a JupyterHub image installs it: a wheel that carries its data."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    return next(out.glob("*.whl"))


def test_wheel_carries_the_data_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    data_files = {n for n in names if n.startswith("toolbox_widgets/_data/")}
    expected = {f"toolbox_widgets/_data/{p.name}" for p in (ROOT / "data").iterdir()}
    assert expected <= data_files


def test_loader_works_from_the_wheel_in_a_folder_of_student_files(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    trainee = tmp_path / "home" / "core"
    trainee.mkdir(parents=True)
    (trainee / "01_why_local.ipynb").write_text("{}")
    code = ("from toolbox_widgets import data; "
            "print(data.data_dir()); "
            "print(sum(len(data.load(n)) for n in data.list_tables()['name']))")
    result = subprocess.run([sys.executable, "-c", code], cwd=trainee, capture_output=True,
                            text=True, env={"PYTHONPATH": str(site), "PATH": ""}, check=False)
    assert result.returncode == 0, result.stderr
    folder, rows = result.stdout.split()
    assert folder.startswith(str(site))
    assert int(rows) > 10_000
