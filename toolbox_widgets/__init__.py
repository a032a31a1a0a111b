"""Migration and Local Development: exercise widgets, course data and tools.

The package has three sides, one folder each:

* ``trainee/`` runs in the trainee's kernel: exercises, the answers file, charts, tables,
  data, the glossary. It imports nothing of the other two.
* ``course/`` builds the course: catalogs, the build, the student and self-study views.
* ``grading/`` grades submissions (``mld grade``).

What a notebook imports is re-exported here::

    from toolbox_widgets import Workbook, show_chart
    book = Workbook("core_01_why_local")   # answers go to core_01_why_local.answers.json
    q1 = book.single_choice("q1", "Which ...?", {"first_id": "first option",
                                                  "second_id": "second option"})
    q1
"""

from .trainee import data
from .trainee.action_plan import my_documents
from .trainee.charts import show_chart
from .trainee.exercises import AnswerError
from .trainee.glossary import define, lookup, search_box, terms
from .trainee.home import show_home
from .trainee.i18n import set_language
from .trainee.i18n import _ as tr  # the notebooks' marker: IPython and loops rebind `_`
from .trainee.overview import show_points
from .trainee.tables import show_table
from .trainee.workbook import Workbook

__all__ = ["AnswerError", "Workbook", "data", "define", "lookup", "my_documents", "search_box",
           "set_language", "show_chart", "show_home", "show_points", "show_table", "terms", "tr"]
__version__ = "0.1.0"
