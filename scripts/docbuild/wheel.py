"""The `snippets` package as a wheel, so that a reader installs the course's code from the site.

The wheel holds `snippets/` only (not the build machinery) and requires what pyproject.toml's
`[project]` requires: one source for the name, version and dependencies. It is written by hand
(a wheel is a zip file with three metadata files) so that it takes milliseconds, needs no
network or build isolation, and is byte-for-byte the same for the same sources.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tomllib
import zipfile

from docbuild.settings import ROOT

PACKAGE = "snippets"
_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same bytes


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def filename() -> str:
    meta = project()
    return f"{meta['name'].replace('-', '_')}-{meta['version']}-py3-none-any.whl"


def _metadata(meta: dict) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {meta['name']}", f"Version: {meta['version']}",
             f"Summary: {meta['description']}", f"Requires-Python: {meta['requires-python']}"]
    lines += [f"Requires-Dist: {dep}" for dep in meta["dependencies"]]
    return "\n".join(lines) + "\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build() -> bytes:
    """The wheel's bytes."""
    meta = project()
    dist_info = f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    files = {f"{PACKAGE}/{p.name}": p.read_bytes() for p in sorted((ROOT / PACKAGE).glob("*.py"))}
    files[f"{dist_info}/METADATA"] = _metadata(meta).encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: docbuild.wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(name, data) for name, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, _DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
