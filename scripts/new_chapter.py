"""Start a new chapter from the templates in scripts/templates/ (the contributing guide walks through them).

    .venv/bin/python scripts/new_chapter.py 14 14-attention attention "注意力机制" "Attention"

writes docs/en/14-attention.md, docs/zh/14-attention.md, snippets/attention.py,
scripts/figures/ch14_attention.py, tests/test_attention.py and docs/zh/code-comments/attention.yml
(it never overwrites a file), then prints the lines that register the chapter: its row in
scripts/docbuild/chapters.py, its nav entry, its rows in both home pages and its API entries.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "scripts" / "templates"


def targets(number: int, slug: str, module: str) -> dict[str, Path]:
    """Template file -> where the new chapter's copy goes."""
    return {
        "page.en.md": ROOT / "docs" / "en" / f"{slug}.md",
        "page.zh.md": ROOT / "docs" / "zh" / f"{slug}.md",
        "snippet.py": ROOT / "snippets" / f"{module}.py",
        "figures.py": ROOT / "scripts" / "figures" / f"ch{number:02d}_{module}.py",
        "test.py": ROOT / "tests" / f"test_{module}.py",
        "code-comments.yml": ROOT / "docs" / "zh" / "code-comments" / f"{module}.yml",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("number", type=int, help="the lecture's number (14)")
    parser.add_argument("slug", help="the page's file name without .md, starting with the number (14-attention)")
    parser.add_argument("module", help="the snippets module (attention)")
    parser.add_argument("zh_title")
    parser.add_argument("en_title")
    args = parser.parse_args(argv)
    if not re.fullmatch(rf"{args.number:02d}-[a-z0-9-]+", args.slug):
        print(f"error: the slug must be {args.number:02d}-<words-with-dashes>, not {args.slug!r}", file=sys.stderr)
        return 2
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.module):
        print(f"error: the module must be a Python module name, not {args.module!r}", file=sys.stderr)
        return 2
    files = targets(args.number, args.slug, args.module)
    existing = [str(p.relative_to(ROOT)) for p in files.values() if p.exists()]
    if existing:
        print(f"error: already there (nothing written): {', '.join(existing)}", file=sys.stderr)
        return 1
    facts = vars(args)
    for template, target in files.items():
        target.write_text((TEMPLATES / template).read_text(encoding="utf-8").format(**facts), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    n, slug, module = args.number, args.slug, args.module
    print(f"""
Now register the chapter (the tests check each of these):
  scripts/docbuild/chapters.py, in CHAPTERS:
    Chapter({n}, "{slug}", "{args.zh_title}", "{args.en_title}", "{module}"),
  mkdocs.yml, under 课程 in nav:      - {slug}.md
  docs/zh/index.md and docs/en/index.md, in the chapter table:
    | {n:02d} | [{args.zh_title}]({slug}.md) | … |      | {n:02d} | [{args.en_title}]({slug}.md) | … |
  docs/zh/api.md and docs/en/api.md:  ::: snippets.{module}
Then: .venv/bin/python scripts/check_pages.py && bash scripts/test.sh docs/en/{slug}.md tests/test_{module}.py""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
