"""Migration and Local Development: exercise widgets, course data and tools.

In a notebook::

    from toolbox_widgets import Workbook, show_chart
    book = Workbook("core_01_why_local")   # answers go to core_01_why_local.answers.json
    q1 = book.single_choice("q1", "Which ...?", ["first option", "second option"])
    q1
"""

from . import data
from .charts import show_chart
from .exercises import AnswerError
from .tables import show_table
from .workbook import Workbook

__all__ = ["AnswerError", "Workbook", "data", "show_chart", "show_table"]
__version__ = "0.1.0"
