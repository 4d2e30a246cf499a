"""mkdocs hooks: build figures and downloads before the pages, expand includes, render math.

mkdocs-static-i18n runs one build per language (the English one inside the Chinese build's
`on_post_build`), so `on_pre_build` fires twice; the builders are content-cached, and a
no-change rebuild skips even the hashing (`docbuild.build_state`).
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from docbuild.cache import display
from docbuild import build_state, chapters, downloads, figures, mathml, patches, program, settings, site_extras


class _Warnings(logging.Handler):
    """Counts the warnings of a build: in strict mode any warning fails it after the last hook."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


class _WhereInTheSource(logging.Filter):
    """Adds `docs/<file>:<line>` to MkDocs' warnings about a page's links, which name no line."""

    _LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains a link (?:to )?'(?P<link>[^']+)'")

    def filter(self, record):
        found = self._LINK.search(str(record.msg))
        if found:
            page = Path(_run.get("docs_dir", "docs")) / found["page"]
            lines = page.read_text(encoding="utf-8").splitlines() if page.is_file() else []
            line = next((n for n, text in enumerate(lines, 1) if f"({found['link']}" in text), None)
            if line:
                record.msg = f"{display(page)}:{line}: {record.msg}"
        return True


_run = {"command": "build", "warnings": _Warnings(), "state": None}
logging.getLogger("mkdocs").addHandler(_run["warnings"])
logging.getLogger("mkdocs.structure.pages").addFilter(_WhereInTheSource())


def on_startup(command, dirty):
    _run["command"] = command


@event_priority(-200)
def on_config(config, **kwargs):
    try:
        config.course_settings = settings.load()
    except settings.SettingsError as err:
        raise PluginError(str(err)) from None
    patches.mkdocstrings_locale(config)
    mkdocs_log = logging.getLogger("mkdocs")
    if config.get("strict") and mkdocs_log.level > logging.WARNING:
        # `--quiet` raises the level to ERROR, and a warning that is never logged is never
        # counted: strict mode would pass broken links. Quiet hides INFO, not the errors.
        mkdocs_log.setLevel(logging.WARNING)
    _run.setdefault("site_dir", Path(config["site_dir"]))  # the outer build's: i18n nests the rest
    _run.setdefault("docs_dir", _docs_root(config))
    return config


def _docs_root(config) -> Path:
    docs_dir = Path(config["docs_dir"])
    return docs_dir.parent if docs_dir.name in figures.LANGUAGES else docs_dir  # i18n may narrow it


def _building_other_language(config) -> bool:
    i18n = config.plugins.get("i18n")
    return bool(getattr(i18n, "building", False))


def on_pre_build(config, **kwargs):
    if _building_other_language(config):
        return  # the outer build has brought everything up to date
    _run["warnings"].count = 0
    chosen = config.course_settings
    docs_dir = _docs_root(config)
    state = build_state.current(docs_dir, chosen)
    _run["state"] = state
    if build_state.unchanged(state):
        return
    build_state.forget()  # until this build has succeeded
    try:
        figures.build_figures(docs_dir, device=chosen.device, threads=chosen.torch_threads,
                              timeout_s=chosen.figure_timeout_s)
        # the published URL, also under `mkdocs serve` (which points site_url at itself): the
        # downloads are the same files whichever command built them
        downloads.build_downloads(docs_dir, downloads.configured_site_url())
    except (figures.FigureBuildError, downloads.DownloadError, program.PageError, RuntimeError) as err:
        raise PluginError(str(err)) from err
    _run["state"] = build_state.current(docs_dir, chosen)


def on_page_markdown(markdown, page, config, files):
    """Expand the `--8<--` includes of ```python blocks exactly as the harness runs them, and
    put a chapter's download buttons under its title."""
    path = Path(page.file.abs_src_path)
    lang = page.file.src_uri.split("/")[0]
    try:
        expanded = program.expand(path, lang, text=markdown)
    except program.PageError as err:
        raise PluginError(str(err)) from err
    markdown = site_extras.marked_outputs(expanded.text, path)
    chapter = chapters.by_slug(path.stem)
    if chapter is not None and chapter.written:
        title, _, rest = markdown.partition("\n")
        verified = site_extras.verified_line(lang, path)
        code = [block.body for block in program.code_blocks(expanded)]
        markdown = (f"{title}\n\n{downloads.buttons(chapter, lang)}\n\n<small>{verified}</small>\n{rest}"
                    + site_extras.further_reading(chapter, lang, code))
    return markdown


def on_page_content(html, page, config, files):
    path = Path(page.file.abs_src_path)
    try:
        html = mathml.render_math(html, path)
    except mathml.MathError as err:
        raise PluginError(str(err)) from err
    lang = page.file.src_uri.split("/")[0]
    html = site_extras.sized_lazy_figures(html, _docs_root(config) / lang / "figures")
    if path.name == "api.md":
        html = site_extras.translated_summaries(site_extras.without_sphinx_roles(html), lang)
    return html + site_extras.twins_script(path, lang)


def on_post_page(output, page, config):
    return site_extras.without_alternate_links(output)


def on_post_template(output, template_name, config):
    """i18n builds every language into the same site_dir, so each language's 404 page and sitemap
    overwrite the previous one's: keep them all, and write each where it belongs at the end."""
    if template_name in site_extras.PER_LANGUAGE_TEMPLATES:
        if template_name == "404.html":
            output = site_extras.not_found_page(output, config.get("site_url") or "")
        _run.setdefault("templates", {})[(str(config.theme["language"]), template_name)] = output
    return output


@event_priority(-200)  # after i18n's on_post_build, which builds the other languages
def on_post_build(config):
    if _building_other_language(config) or _run["state"] is None:
        return
    site_extras.write_per_language_templates(Path(config["site_dir"]), _run.pop("templates", {}))
    try:
        site_extras.index_site(Path(config["site_dir"]))
    except site_extras.SearchIndexError as err:
        raise PluginError(str(err)) from err
    strict = config.get("strict")
    if not (strict and _run["warnings"].count):
        build_state.record(_run["state"])


def on_build_error(error):
    build_state.forget()
    if _run["command"] == "build":
        _remove_stale_site()


def _remove_stale_site():
    """A failed `mkdocs build` leaves no half-old site that could pass for the current one."""
    site = _run.get("site_dir")
    if site is not None and site.is_dir():
        shutil.rmtree(site, ignore_errors=True)
        logging.getLogger("mkdocs").error(f"build failed: removed {site} so that no stale site is left")

