"""nbgrader settings for the course. Run nbgrader and JupyterLab from this folder."""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "migration-local-development"

# Student versions must run from top to bottom without a traceback: where the
# instructor's solution was, leave a comment, not `raise NotImplementedError()`. `mld build`
# gives each translated assignment the stub in its language.
from toolbox_widgets.trainee.page_style import ANSWER_STUB  # noqa: E402

c.ClearSolutions.code_stub = {"python": "# " + ANSWER_STUB}
c.ClearSolutions.text_stub = "Write your answer here."

# A runaway cell (an infinite loop) is interrupted after this many seconds and
# the rest of the notebook is still graded.
c.Execute.timeout = 60

# A trainee who deletes a test cell still gets it back, and graded, at autograde.
c.OverwriteCells.add_missing_cells = True

# --- Grades no trainee code can forge (toolbox_widgets/grading/scores.py) ---------------
# The notebook that runs trainee code has its hidden tests removed, and every graded test
# cell is then scored by the grader from the submitted answers file, with the keys
# recorded once from the instructor's notebook. `mld grade` always does this; these lines
# give the same protection to `nbgrader autograde` and Formgrader's Autograde button.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, Execute,
    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

from toolbox_widgets.grading.scores import ScoreFromAnswers, StripHiddenTests  # noqa: E402

c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
    StripHiddenTests]
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, ScoreFromAnswers,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
