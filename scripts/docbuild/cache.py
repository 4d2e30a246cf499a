"""Content keys and atomic writes shared by the figure and notebook builders.

A key covers everything that can change an output: the source of the file that makes it, the
source of every project module it imports (transitively, found by reading import statements),
the versions of the libraries involved, and any extra facts the caller passes (device, font...).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import tempfile
from importlib import metadata
from pathlib import Path

from docbuild import numerics

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("COURSE_CACHE_DIR", ROOT / ".cache"))
# Where project imports are looked up: `snippets.*` from the root, `docbuild.*` from scripts/.
IMPORT_ROOTS = (ROOT, ROOT / "scripts")


def _runtime_dependencies() -> tuple[str, ...]:
    """The project's runtime dependencies (torch, numpy, matplotlib, the data packages...)."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return tuple(re.match(r"[A-Za-z0-9_.\-]+", dep)[0] for dep in project["dependencies"])


# Their versions are part of every key: a new torch or a new data package rebuilds everything.
BASE_LIBRARIES = _runtime_dependencies()


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    for root in IMPORT_ROOTS:
        base = root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


def _package_inits(name: str) -> list[Path]:
    """The `__init__.py` files that run when `name` is imported (its parent packages)."""
    parts = name.split(".")
    found = []
    for i in range(1, len(parts)):
        init = _module_file(".".join(parts[:i]))
        if init is not None and init.name == "__init__.py":
            found.append(init)
    return found


def _imported_names(path: Path, source: str) -> set[str]:
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as err:
        raise SyntaxError(f"{path}:{err.lineno}: {err.msg}") from err
    package = _package_of(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _package_of(path: Path) -> str:
    for root in IMPORT_ROOTS:
        try:
            rel = path.resolve().relative_to(root)
        except ValueError:
            continue
        return ".".join(rel.parent.parts)
    return ""


def project_sources(path: Path) -> list[Path]:
    """`path` plus every project file it imports, transitively, sorted."""
    seen: set[Path] = set()
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source = current.read_text(encoding="utf-8")
        for name in _imported_names(current, source):
            module = _module_file(name)
            if module is not None:
                todo.append(module.resolve())
            todo.extend(p.resolve() for p in _package_inits(name))
    return sorted(seen)


def library_versions(names=BASE_LIBRARIES) -> dict[str, str]:
    """What computes the results: Python, the libraries and the numeric mode they run in."""
    versions = {"python": platform.python_version(), "numerics": repr(sorted(numerics.ENVIRONMENT.items()))}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def display(path: Path) -> str:
    """A path as people read it in messages: relative to the repository (or working) directory."""
    resolved = Path(path).resolve()
    for base in (ROOT, Path.cwd()):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(path)


def content_key(sources: list[Path], **facts) -> str:
    """A short hash of the sources' bytes (with their paths) and of the JSON-able facts."""
    digest = hashlib.sha256()
    for src in sources:
        digest.update(display(src).encode())
        digest.update(src.read_bytes())
    digest.update(json.dumps(facts, sort_keys=True).encode())
    return digest.hexdigest()[:20]


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files, which a web server may refuse to serve
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_valid_png(path: Path) -> bool:
    """A complete, undamaged PNG (every chunk's checksum right, the end chunk present)."""
    if not path.is_file():
        return False
    from PIL import Image

    try:
        with Image.open(path) as image:
            if image.format != "PNG":
                return False
            image.verify()
    except Exception:  # noqa: BLE001 - PIL raises many kinds of errors for damaged files
        return False
    return True


def worker_environment() -> dict[str, str]:
    """The environment of build workers: a screenless matplotlib and the project on the path."""
    paths = [str(p) for p in IMPORT_ROOTS] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {**numerics.environment(), "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(paths)}


def install(src: Path, dest: Path) -> bool:
    """Copy a cached output into docs/ unless an identical file is already there."""
    data = src.read_bytes()
    if dest.is_file() and dest.read_bytes() == data:
        return False
    atomic_write(dest, data)
    return True
