"""What runs in the trainee's kernel: exercises, answers, charts, tables, data, glossary.

Nothing here imports toolbox_widgets.course or toolbox_widgets.grading.
"""
