"""One JupyterLab for the session's browser tests (test_browser.py, test_browser_keyboard.py,
test_page_browser.py), set up as `python3 course.py open` sets it up: the trainee's lab
settings. Each test works in a folder of its own under the server's root and opens its
notebooks there (Lab.tree); its kernels are shut down when it ends, so that the next test
finds the server as new. (conftest.py imports the fixture, so that the three files share
one server.) The hub's trainee configuration is another server's: test_page_browser.py
starts that one itself."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolbox_widgets.course.trainee_setup import lab_options


@dataclass
class Server:
    url: str
    token: str
    root: Path  # what the server serves: each test's folder is under it
    log: Path

    def kernels(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.url}/api/kernels?token={self.token}") as answer:
            return json.load(answer)

    def stop_kernels(self) -> None:
        for kernel in self.kernels():
            urllib.request.urlopen(urllib.request.Request(
                f"{self.url}/api/kernels/{kernel['id']}?token={self.token}", method="DELETE"))


@pytest.fixture(scope="session")
def lab_server(browser_ready, tmp_path_factory):
    from test_browser import jupyterlab

    scratch = tmp_path_factory.mktemp("lab_server")
    root = scratch / "root"
    root.mkdir()
    with jupyterlab(root, scratch, *lab_options()) as (url, token):
        yield Server(url, token, root, scratch / "jupyterlab.log")
