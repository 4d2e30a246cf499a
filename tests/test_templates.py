"""A chapter started from scripts/templates/ (scripts/new_chapter.py) passes the guards, runs as
a program, builds its figure and passes its tests, before anything is changed in it."""

from __future__ import annotations

import pytest

from conftest import load_script

pytestmark = pytest.mark.recorded  # runs the project's tools: replayed while nothing changed (tests/conftest.py)


def test_new_chapter_refuses_bad_names_and_existing_files(capsys):
    new_chapter = load_script("new_chapter")
    assert new_chapter.main(["14", "attention", "attention", "注意力", "Attention"]) == 2
    assert new_chapter.main(["14", "14-attention", "Attention!", "注意力", "Attention"]) == 2
    assert new_chapter.main(["2", "02-linear-model", "linear_model", "线性模型", "Linear Model"]) == 1
    assert "already there" in capsys.readouterr().err


def test_a_chapter_from_the_templates_is_a_working_chapter(project_copy):
    made = project_copy.run("scripts/new_chapter.py", "98", "98-template-check", "template_check", "模板检查",
                            "Template Check")
    assert made.returncode == 0, made.stderr
    assert "Chapter(98, \"98-template-check\"" in made.stdout
    checks = project_copy.run("-c", "from docbuild import checks, pages\n"
                              "for lang in ('zh', 'en'):\n"
                              "    page = pages.read(pages.DOCS / lang / '98-template-check.md')\n"
                              "    print(*checks.fence_problems(page), *checks.language_problems(page),\n"
                              "          *checks.spacing_problems(page), *checks.soft_break_problems(page), sep='\\n')\n"
                              "print(*checks.structure_problems('98-template-check.md'),\n"
                              "      *checks.number_problems('98-template-check.md'), sep='\\n')\n")
    assert checks.returncode == 0 and not checks.stdout.strip(), checks.stdout + checks.stderr
    figure = project_copy.run("scripts/build_figures.py", "--only", "ch98-example", "--no-downloads")
    assert figure.returncode == 0, figure.stdout + figure.stderr
    assert (project_copy.path / "docs" / "zh" / "figures" / "ch98-example.png").is_file()
    tests = project_copy.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov", "-W", "ignore",
                             "docs/en/98-template-check.md", "tests/test_template_check.py")
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert "ran as one program" in tests.stdout and " 0 failed" in tests.stdout, tests.stdout[-1500:]
