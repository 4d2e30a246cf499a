"""Careless edits a contributor makes, each applied alone to a copy of the project: each one
must fail the check that guards against it (the same check the test suite runs on the real
pages), with a message that names the file and line.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.recorded  # runs the project's tools: replayed while nothing changed (tests/conftest.py)

PAGE = "docs/en/03-gradient-descent.md"
ZH_PAGE = "docs/zh/03-gradient-descent.md"


def _first(pattern: str, text: str) -> int:
    """1-based number of the first line of `text` matching `pattern`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if re.search(pattern, line))


def _check_pages(copy) -> str:
    done = copy.run("scripts/check_pages.py")
    assert done.returncode == 1, f"check_pages.py passed:\n{done.stdout}{done.stderr}"
    return done.stdout


def test_skipfile_on_line_1_is_caught_and_its_blocks_are_missed(project_copy):
    project_copy.edit(PAGE, lambda t: "<!--pytest-codeblocks:skipfile-->\n" + t)
    assert f"{PAGE}:1: `skipfile` would stop testing the whole page" in _check_pages(project_copy)
    # and the harness notices that the blocks of the page did not run (the count falls)
    done = project_copy.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov", PAGE)
    assert done.returncode == 1
    assert re.search(rf"ERROR {re.escape(PAGE)}:\d+: this ```python block was not executed", done.stdout), done.stdout


def test_a_space_before_the_language_is_caught(project_copy):
    project_copy.edit(PAGE, lambda t: t.replace("```python\nfrom snippets.gradient_descent import", "``` python\nfrom snippets.gradient_descent import", 1))
    line = _first(r"^``` python$", (project_copy.path / PAGE).read_text())
    assert f"{PAGE}:{line}: fence ``` python is skipped silently" in _check_pages(project_copy)


def test_deleting_the_expected_output_marker_in_both_languages_is_caught(project_copy):
    for page in (PAGE, ZH_PAGE):
        project_copy.edit(page, lambda t: t.replace("<!--pytest-codeblocks:expected-output-->\n\n", "", 1))
    found = _check_pages(project_copy)
    assert re.search(rf"{re.escape(PAGE)}:\d+: this output of the block at line \d+ is not checked", found), found


@pytest.mark.parametrize("marker", ["<!--pytest-codeblocks:importorskip(nonexistent_module)-->",
                                    "<!--pytest-codeblocks:expect-exception-->"])
def test_markers_that_skip_without_a_reason_are_caught(project_copy, marker):
    project_copy.edit(PAGE, lambda t: t.replace("```python\nfrom snippets.gradient_descent import",
                                               f"{marker}\n```python\nraise ValueError\nfrom snippets.gradient_descent import", 1))
    line = _first(re.escape(marker), (project_copy.path / PAGE).read_text())
    assert f"{PAGE}:{line}: marker `{marker[4:-3]}` is not allowed" in _check_pages(project_copy)


def test_a_number_changed_in_one_language_is_caught(project_copy):
    text = (project_copy.path / ZH_PAGE).read_text()
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if "3.8362" in ln and not ln.startswith("cost"))
    project_copy.edit(ZH_PAGE, lambda t: "\n".join(ln.replace("3.8362", "3.8365") if n == line else ln
                                                   for n, ln in enumerate(t.splitlines(), 1)) + "\n")
    assert re.search(rf"{re.escape(ZH_PAGE)}:{line} and {re.escape(PAGE)}:\d+: the numbers in this passage "
                     r"differ \(only in zh: 3\.8365; only in en: 3\.8362\)", _check_pages(project_copy))


def test_an_english_page_copied_over_its_chinese_twin_is_caught(project_copy):
    project_copy.edit(ZH_PAGE, lambda t: (project_copy.path / PAGE).read_text())
    assert re.search(rf"{re.escape(ZH_PAGE)}:\d+: this paragraph of a Chinese page is not in Chinese",
                     _check_pages(project_copy))


def test_a_chinese_figure_with_english_labels_fails_its_build(project_copy):
    module = "scripts/figures/ch02_linear_model.py"
    project_copy.edit(module, lambda t: t.replace('"zh": {"x": "权重 w", "y": "均方误差 MSE", "title"',
                                                 '"zh": {"x": "weight w", "y": "mean squared error", "title"'))
    done = project_copy.run("scripts/build_figures.py", "--only", "ch02-mse-curve", "--no-downloads")
    assert done.returncode == 1
    assert (f"figure 'ch02-mse-curve' ({module}) failed: ValueError: the zh figure shows text in another "
            "language: 'weight w'; 'mean squared error'") in done.stderr


def test_a_truncated_png_in_the_cache_is_rebuilt_not_published(project_copy):
    cached = next((project_copy.path / ".cache" / "figures" / "ch02_linear_model").glob("*/ch02-mse-curve.zh.png"))
    cached.write_bytes(cached.read_bytes()[:300])
    done = project_copy.run("scripts/build_figures.py", "--only", "ch02_linear_model", "--no-downloads")
    assert done.returncode == 0, done.stderr
    assert "discarding the corrupt cache entry" in done.stdout and "ch02-mse-curve.zh.png" in done.stdout
    from docbuild import cache

    assert cache.is_valid_png(project_copy.path / "docs" / "zh" / "figures" / "ch02-mse-curve.png")


@pytest.mark.parametrize("link", ["03-gradient-descent.md#no-such-anchor", "#no-such-anchor"])
def test_a_link_to_a_missing_anchor_is_caught(project_copy, link):
    project_copy.edit(PAGE, lambda t: t.replace("\n## ", f"\nSee [there]({link}).\n\n## ", 1))
    line = _first(re.escape(f"[there]({link})"), (project_copy.path / PAGE).read_text())
    assert f"{PAGE}:{line}: link to #no-such-anchor, but this page has no such heading" in _check_pages(project_copy)


def test_a_failed_build_names_the_line_and_leaves_no_stale_site(project_copy):
    """MkDocs' own validation fails the strict build too; the failed build removes its site and
    does not record itself as the last good build."""
    site = project_copy.path / "site"
    (site / "stale.html").parent.mkdir()
    (site / "stale.html").write_text("old")
    project_copy.edit(PAGE, lambda t: t.replace("\n## ", "\nSee [there](04-back-propagation.md#nope).\n\n## ", 1))
    line = _first(re.escape("[there](04-back-propagation.md#nope)"), (project_copy.path / PAGE).read_text())
    done = project_copy.run("-m", "mkdocs", "build", "--strict", "-q", "-d", str(site), timeout=600)
    assert done.returncode != 0
    assert f"{PAGE}:{line}: Doc file 'en/03-gradient-descent.md' contains a link" in done.stderr, done.stderr[-2000:]
    assert not site.exists()
    assert not (project_copy.path / ".cache" / "last-good-build.json").exists()


def test_a_page_in_no_nav_and_an_api_page_that_lost_a_module_are_caught(project_copy):
    for lang in ("zh", "en"):
        (project_copy.path / "docs" / lang / "extra.md").write_text("# Extra\n")
        project_copy.edit(f"docs/{lang}/api.md", lambda t: t.replace("::: snippets.datasets\n", ""))
    done = project_copy.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov", "tests/test_chapters.py")
    assert done.returncode == 1
    assert "docs/en/extra.md is in no nav entry of mkdocs.yml" in done.stdout
    assert "docs/zh/api.md lists" in done.stdout and "docs/en/api.md lists" in done.stdout
