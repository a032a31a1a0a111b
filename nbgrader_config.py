"""nbgrader settings for the course. Run nbgrader and JupyterLab from this folder."""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "migration-local-development"

# Student versions must run from top to bottom without a traceback: where the
# instructor's solution was, leave a comment, not `raise NotImplementedError()`.
c.ClearSolutions.code_stub = {
    "python": "# YOUR ANSWER: use the controls, or write Python here as the exercise shows."
}
c.ClearSolutions.text_stub = "Write your answer here."

# A runaway cell (an infinite loop) is interrupted after this many seconds and
# the rest of the notebook is still graded.
c.Execute.timeout = 60

# A trainee who deletes a test cell still gets it back, and graded, at autograde.
c.OverwriteCells.add_missing_cells = True
