"""Build the figures of one figure module, in a process of its own (see `docbuild.figures`).

    python -m docbuild.figure_worker MODULE ENTRY --device cpu --threads 1 [--only ID ...] [--force]

It writes the images into the cache entry ENTRY (atomically), prints `figure <id>: building`
before each figure it trains, and ends with `RESULT {"names": [...], "built": [...]}`, or with
`ERROR <message naming the figure>` and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module", type=Path)
    parser.add_argument("entry", type=Path)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)

    from docbuild import cache, figures, style

    current = None
    try:
        found = figures.load_figures(args.module)
        device = _device(args.device, args.threads)
        ids = [figures.figure_id(args.module, f.name) for f in found]
        built = []
        for fig, name in zip(found, ids):
            if args.only and name not in args.only and args.module.stem not in args.only:
                continue
            fresh = all(cache.is_valid_png(args.entry / f"{name}.{lang}.png") for lang in figures.LANGUAGES)
            if fresh and not args.force:
                continue
            current = name
            print(f"figure {name}: building", flush=True)
            data = fig.compute(device)
            images = {lang: style.render_png(fig.draw, data, fig.labels[lang], lang) for lang in figures.LANGUAGES}
            for lang, png in images.items():
                cache.atomic_write(args.entry / f"{name}.{lang}.png", png)
            built.append(name)
    except Exception as err:  # noqa: BLE001 - reported to the parent, which fails the build
        what = f"figure {current!r} ({cache.display(args.module)})" if current else cache.display(args.module)
        print(f"ERROR {what} failed: {type(err).__name__}: {err}", flush=True)
        return 1
    print("RESULT " + json.dumps({"names": ids, "built": built}), flush=True)
    return 0


def _device(choice: str, threads: int):
    """The torch device to train on, when the module uses torch at all (importing torch costs
    seconds, which a module that draws from plain Python data need not pay)."""
    if "torch" not in sys.modules:
        return choice
    import torch

    from snippets.devices import resolve_device

    torch.set_num_threads(threads)
    return resolve_device(choice)


if __name__ == "__main__":
    sys.exit(main())
