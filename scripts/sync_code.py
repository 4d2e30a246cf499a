"""Copy the code blocks and outputs of docs/en into docs/zh, keeping the Chinese comments.

    .venv/bin/python scripts/sync_code.py              # every page
    .venv/bin/python scripts/sync_code.py 05-linear-regression.md
    .venv/bin/python scripts/sync_code.py --check      # list differences, change nothing
    .venv/bin/python scripts/sync_code.py --outputs    # first paste the real outputs into docs/en

Code is written once, in docs/en; see the contributing guide ("Code blocks").
"""

from __future__ import annotations

import argparse
import sys

from docbuild import numerics, sync
from docbuild.pages import DOCS, SOURCE_LANGUAGE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", help="page file names (default: all)")
    parser.add_argument("--check", action="store_true", help="only list what differs")
    parser.add_argument("--comments", action="store_true",
                        help="add the untranslated comments of included snippets code to "
                             "docs/<lang>/code-comments/<module>.yml, with empty translations to fill in")
    parser.add_argument("--outputs", action="store_true",
                        help=f"run each docs/{SOURCE_LANGUAGE} page and paste its real outputs first")
    args = parser.parse_args(argv)
    names = args.pages or sync.names()
    unknown = [n for n in names if not (DOCS / SOURCE_LANGUAGE / n).is_file()]
    if unknown:
        print(f"error: no page docs/{SOURCE_LANGUAGE}/{', '.join(unknown)}", file=sys.stderr)
        return 2
    untranslated = [f"docs/{lang}/{n}" for n in names for lang in sync.TARGET_LANGUAGES if not (DOCS / lang / n).is_file()]
    if untranslated and not args.check:
        print(f"error: {', '.join(untranslated)} does not exist: write it first (translated prose, the same "
              "headings), then this command copies the code blocks and outputs into it", file=sys.stderr)
        return 2
    if args.check:
        problems = [p for n in names for lang in sync.TARGET_LANGUAGES for p in sync.drift(n, lang)]
        print("\n".join(problems) or "in sync")
        return 1 if problems else 0
    if args.comments:
        for lang in sync.TARGET_LANGUAGES:
            for file, count in sync.add_missing_comments(lang, args.pages or None).items():
                print(f"{file}: {count} comment(s) to translate")
        return 0
    if args.outputs:  # computed as the tests run the pages, so that they check these very digits
        numerics.pin()
    for name in names:
        if args.outputs and sync.write_outputs(DOCS / SOURCE_LANGUAGE / name):
            print(f"docs/{SOURCE_LANGUAGE}/{name}: outputs updated")
        for lang in sync.TARGET_LANGUAGES:
            report = sync.sync_page(name, lang)
            if report.changed:
                print(f"{report.page}: updated")
            for note in report.notes:
                print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
