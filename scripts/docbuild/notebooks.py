"""Exercise notebooks: jupytext sources executed at build time, cached by content.

A source `docs/<lang>/notebooks/<name>.py` (jupytext percent format) becomes the executed
notebook `docs/<lang>/notebooks/<name>.ipynb` (not committed), which mkdocs-jupyter renders
without executing it again. The key covers the source, the project modules it imports and the
library versions, so a no-change build executes nothing. A failing cell fails the build.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docbuild import cache

LANGUAGES = ("zh", "en")
TIMEOUT_S = 600


class NotebookError(RuntimeError):
    """A notebook cell raised; the message names the notebook and the error."""


def sources(docs_dir: Path) -> list[Path]:
    return sorted(p for lang in LANGUAGES for p in (docs_dir / lang / "notebooks").glob("*.py"))


def notebook_key(source: Path) -> str:
    versions = cache.library_versions((*cache.BASE_LIBRARIES, "nbclient", "ipykernel", "jupytext"))
    return cache.content_key(cache.project_sources(source), versions=versions)


def execute(source: Path) -> bytes:
    """Run every cell of a jupytext source from the repository root; return the .ipynb bytes."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(cache.ROOT)}},
    )
    try:
        # its own event loop, closed afterwards (client.execute() leaves one open per thread)
        asyncio.run(client.async_execute())
    except CellExecutionError as err:
        raise NotebookError(f"{cache.display(source)}: a cell failed:\n{err}") from err
    return nbformat.writes(notebook).encode()


def build_notebooks(docs_dir: Path, log=print) -> dict[str, str]:
    """Bring every executed notebook in docs/ up to date. Returns {source: "cached" | "built"}."""
    jobs = {}
    status = {}
    for source in sources(docs_dir):
        entry = cache.CACHE_DIR / "notebooks" / f"{source.stem}.{source.parent.parent.name}.{notebook_key(source)}.ipynb"
        output = source.with_suffix(".ipynb")
        if entry.is_file():
            cache.install(entry, output)
            status[str(source.relative_to(docs_dir))] = "cached"
        else:
            output.unlink(missing_ok=True)  # never leave an old notebook looking current
            jobs[source] = entry
    if jobs:
        for source in jobs:
            log(f"notebook {cache.display(source)}: executing")
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = dict(zip(jobs, pool.map(execute, jobs)))
        for source, entry in jobs.items():
            for old in entry.parent.glob(f"{source.stem}.{source.parent.parent.name}.*.ipynb"):
                old.unlink()
            cache.atomic_write(entry, results[source])
            cache.install(entry, source.with_suffix(".ipynb"))
            status[str(source.relative_to(docs_dir))] = "built"
    return status
