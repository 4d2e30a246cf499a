"""Check the pages in a second, without running their code: the guards of the test suite.

    .venv/bin/python scripts/check_pages.py

Prints one line per problem (`file:line: what is wrong and what to do`) and exits with 1 if
there is any: fences that would escape testing, markers without reasons, unchecked outputs,
links to missing pages or anchors, paragraphs in the wrong language, numbers that differ
between the languages, code blocks that are not copies of the English ones, untranslated
comments of included code. `bash scripts/test.sh` runs the same checks (tests/test_pages.py).
"""

from __future__ import annotations

import sys

from docbuild import checks


def main() -> int:
    problems = checks.all_problems()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "the pages pass every check", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
