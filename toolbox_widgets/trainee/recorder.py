"""Recording mode: the grader runs the instructor's notebook once, with no trainee code,
and each exercise writes down its definition and each hidden test its key, instead of
scoring anything. See toolbox_widgets/grading/keys.py, which reads what is written here.
"""

from __future__ import annotations

import json
import os

ENV = "MLD_RECORD_KEYS"  # the file that receives one JSON line per event


def recording() -> bool:
    return bool(os.environ.get(ENV))


def record(event: dict) -> None:
    with open(os.environ[ENV], "a", encoding="utf-8") as file:
        file.write(json.dumps(event, ensure_ascii=False) + "\n")
