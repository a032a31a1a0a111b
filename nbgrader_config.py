"""nbgrader settings for the course. Run nbgrader and JupyterLab from this folder."""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "migration-local-development"

# Student versions must run from top to bottom without a traceback: where the
# instructor's solution was, leave a comment, not `raise NotImplementedError()`.
# One stub serves both kinds of answer cell, so it names both: widget exercises
# (answered with their controls) and optional pandas tasks (answered in code here).
c.ClearSolutions.code_stub = {
    "python": "# YOUR ANSWER: for an exercise, use its controls (or the one line of Python it "
              "shows); for a pandas task, write your code here."
}
c.ClearSolutions.text_stub = "Write your answer here."

# A runaway cell (an infinite loop) is interrupted after this many seconds and
# the rest of the notebook is still graded.
c.Execute.timeout = 60

# A trainee who deletes a test cell still gets it back, and graded, at autograde.
c.OverwriteCells.add_missing_cells = True
