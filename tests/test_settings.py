"""COURSE_* settings: one line naming the variable and its allowed values."""

from __future__ import annotations

import pytest

from docbuild import settings


def test_defaults(monkeypatch):
    for name in ("COURSE_DEVICE", "COURSE_TORCH_THREADS", "COURSE_CACHE_DIR", "COURSE_CODEBLOCK_TIMEOUT_S",
                 "COURSE_FIGURE_TIMEOUT_S", "COURSE_TEST_RECORDS"):
        monkeypatch.delenv(name, raising=False)
    chosen = settings.load()
    assert (chosen.device, chosen.torch_threads) == ("cpu", 1)
    assert chosen.cache_dir == settings.ROOT / ".cache"
    assert chosen.codeblock_timeout_s == 60 and chosen.figure_timeout_s == 600
    assert chosen.test_records


@pytest.mark.parametrize("name, value, message", [
    ("COURSE_DEVICE", "banana", "COURSE_DEVICE='banana' is not valid: use one of auto, cpu, cuda"),
    ("COURSE_DEVICE", "CPU", "COURSE_DEVICE='CPU' is not valid"),
    ("COURSE_DEVICE", "", "COURSE_DEVICE='' is not valid"),
    ("COURSE_TORCH_THREADS", "two", "COURSE_TORCH_THREADS='two' is not valid: use a whole number greater than 0"),
    ("COURSE_TORCH_THREADS", "0", "COURSE_TORCH_THREADS='0' is not valid"),
    ("COURSE_FIGURE_TIMEOUT_S", "-1", "COURSE_FIGURE_TIMEOUT_S='-1' is not valid: use a number of seconds"),
    ("COURSE_CACHE_DIR", " ", "COURSE_CACHE_DIR is empty"),
    ("COURSE_TEST_RECORDS", "no", "COURSE_TEST_RECORDS='no' is not valid: use one of use, off"),
])
def test_bad_values_are_one_line_naming_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingsError) as err:
        settings.load()
    assert message in str(err.value) and "\n" not in str(err.value)


def test_good_values(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DEVICE", "auto")
    monkeypatch.setenv("COURSE_TORCH_THREADS", "2")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_TEST_RECORDS", "off")
    chosen = settings.load()
    assert (chosen.device, chosen.torch_threads, chosen.cache_dir) == ("auto", 2, tmp_path)
    assert not chosen.test_records
