# The hub's trainee servers, set up as `course.py open` sets up a trainee's JupyterLab
# (toolbox_widgets/course/trainee_setup.py), keeping nbgrader's Assignments panel:
# * custom CSS that says "Run this cell to show the exercise" where a reopened notebook's
#   widgets would say "model not found", in trusted and untrusted notebooks alike;
# * lab/overrides.json: an "Assignments" menu opens that panel, since nbgrader's own menu
#   (Formgrader, Create Assignment, Course List) is switched off in labconfig/.
from pathlib import Path

from toolbox_widgets.course.trainee_setup import CUSTOM

c = get_config()  # noqa: F821 (given by Jupyter's config loader)
c.LabApp.custom_css = True
c.ServerApp.static_custom_path = [str(CUSTOM)]
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab")
