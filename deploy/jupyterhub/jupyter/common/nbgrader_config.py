"""nbgrader settings for every hub user (trainees and the instructor).

The hub puts this folder on JUPYTER_CONFIG_PATH, so nbgrader's Assignments panel,
Validate button and command line all find the course and its exchange.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "migration-local-development"

# The shared folder through which assignments, submissions and feedback travel.
# trial.py creates it (mode 1777) and the hub passes its path to every server.
c.Exchange.root = os.environ.get("MLD_EXCHANGE", "/srv/nbgrader/exchange")

# A submission readable by its trainee and the instructors only, never by another trainee;
# collect takes only what each trainee submitted themselves (toolbox_widgets/course/exchange.py).
c.ExchangeFactory.release_assignment = "toolbox_widgets.course.exchange.PrivateRelease"
c.ExchangeFactory.submit = "toolbox_widgets.course.exchange.PrivateSubmit"
c.ExchangeFactory.collect = "toolbox_widgets.course.exchange.OwnedCollect"

# Validate runs the notebook: a runaway cell is stopped, as at autograde.
c.Execute.timeout = 60
