"""Build (or rebuild) the site's figures and downloads (notebooks, scripts, wheel) without running mkdocs.

    python scripts/build_figures.py                    # what changed, on the CPU
    python scripts/build_figures.py --only ch02-mse-curve --force
    python scripts/build_figures.py --only ch03_gradient_descent   # one chapter's figures
    python scripts/build_figures.py --device cuda      # train on the GPU (fails clearly if none)
    python scripts/build_figures.py --list

Outputs land in docs/<lang>/figures/ and docs/<lang>/downloads/; `mkdocs build` and
`mkdocs serve` run the same code through scripts/hooks.py (COURSE_DEVICE picks the device there).
"""

from __future__ import annotations

import argparse
import sys
import time

from docbuild import cache, downloads, figures, program, settings

DOCS_DIR = cache.ROOT / "docs"  # the outputs land in <DOCS_DIR>/<lang>/figures and .../downloads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="a figure (ch02-mse-curve) or figure module (ch02_linear_model); repeatable")
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    parser.add_argument("--device", choices=settings.DEVICES, help="default: COURSE_DEVICE, else cpu")
    parser.add_argument("--list", action="store_true", help="list figures and exit")
    parser.add_argument("--no-downloads", action="store_true", help="skip the notebooks, scripts and wheel")
    args = parser.parse_args(argv)
    try:
        chosen = settings.load()
    except settings.SettingsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    docs_dir = DOCS_DIR

    if args.list:
        for path in figures.figure_modules():
            for fig in figures.load_figures(path):
                print(f"{figures.figure_id(path, fig.name):40} {cache.display(path)}")
        return 0
    started = time.perf_counter()
    try:
        status = figures.build_figures(docs_dir, args.device or chosen.device, set(args.only or ()) or None,
                                       args.force, threads=chosen.torch_threads, timeout_s=chosen.figure_timeout_s)
        if not args.no_downloads and not args.only:
            status |= downloads.build_downloads(docs_dir, downloads.configured_site_url())
    except (figures.FigureBuildError, downloads.DownloadError, program.PageError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for name, state in sorted(status.items()):
        print(f"{state:7} {name}")
    print(f"{len(status)} outputs up to date in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
