"""The tested code of the course: one module per chapter, plus shared helpers.

Pages include these modules (or named sections of them) with ``--8<--``; the figure scripts in
``scripts/figures/`` import the same functions, so what a page shows is what made its figures.
"""
