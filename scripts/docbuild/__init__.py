"""Build-time machinery of the course site: figures, notebooks and math, all content-cached.

Used by the mkdocs hooks (`scripts/hooks.py`) and by `scripts/build_figures.py`.
"""
