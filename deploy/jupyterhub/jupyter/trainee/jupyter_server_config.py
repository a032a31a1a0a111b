# The hub's trainee servers, set up as `course.py open` sets up a trainee's JupyterLab
# (toolbox_widgets/course/trainee_setup.py), keeping nbgrader's Assignments panel:
# * custom CSS that says "Run this cell to show the exercise" where a reopened notebook's
#   widgets would say "model not found", in trusted and untrusted notebooks alike;
# * lab/overrides.json: an "Assignments" menu opens that panel, since nbgrader's own menu
#   (Formgrader, Create Assignment, Course List) is switched off in labconfig/.
import json
from pathlib import Path

from toolbox_widgets.course.trainee_setup import CUSTOM

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (given by Jupyter's config loader)
c.LabApp.custom_css = True
c.LabApp.app_settings_dir = str(HERE / "lab")
# The folder of custom.css can only be set through tornado_settings. This file is read after
# common/ (it comes first on JUPYTER_CONFIG_PATH) and would replace its tornado_settings
# (the frame-ancestors header), so both go in.
common = json.loads((HERE.parent / "common" / "jupyter_server_config.json").read_text())
c.ServerApp.tornado_settings = {**common["ServerApp"]["tornado_settings"],
                                "static_custom_path": [str(CUSTOM)]}
