"""The eval suite: question sets run through the assistant and a baseline, scored, summarised, reported.

It sits above `assistant` and `kb` (it runs them) and below `webapp` and `cli` (which start runs
and show their reports); see DEVELOPERS.md for its modules.
"""
