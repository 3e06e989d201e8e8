"""Create or repair the kit's virtual environment ``.venv`` and install the pinned packages.

Run by ``make`` before every target that needs ``.venv`` (standard library only, so the system
Python can run it before any package is installed)::

    python3 casekit/bootstrap.py [--extra browser]

* A healthy ``.venv`` whose installed set matches ``pyproject.toml`` + ``constraints.txt`` (and the
  extras asked for) is left alone; the check takes well under a second.
* A half-made ``.venv`` (its Python does not run, or it has no ``pip`` because ``python3 -m venv``
  failed half-way, typically on Debian/Ubuntu without ``python3-venv``) is removed and rebuilt.
* If this Python cannot make a virtual environment with pip at all, the message says exactly
  what to install, and no half-made ``.venv`` is left behind.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP_NAME = ".casekit-installed"


class BootstrapError(RuntimeError):
    """A problem the learner has to fix; the message says how."""


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def health(venv: Path) -> str | None:
    """None when ``venv`` has a Python that runs and has pip; otherwise what is wrong with it."""
    py = venv_python(venv)
    if not venv.exists():
        return "missing"
    if not py.exists():
        return f"{py.relative_to(venv.parent)} does not exist"
    try:
        ok = subprocess.run([str(py), "-c", "import sys"], capture_output=True, timeout=60).returncode == 0
    except OSError:
        ok = False
    if not ok:
        return f"its Python ({py}) does not run (was the system Python moved or upgraded?)"
    if subprocess.run([str(py), "-c", "import pip"], capture_output=True, timeout=60).returncode != 0:
        return "it has no pip (python -m venv probably stopped half-way)"
    return None


def missing_venv_support_message(python: str = sys.executable) -> str:
    """What to install when this Python cannot create a virtual environment with pip."""
    v = sys.version_info
    return (
        f"Cannot create .venv: this Python ({python}, {v.major}.{v.minor}.{v.micro}) lacks the 'venv'/'ensurepip' "
        f"modules. On Debian or Ubuntu install them with: sudo apt-get install python3-venv "
        f"(or python{v.major}.{v.minor}-venv), then run make again. Elsewhere install Python from "
        f"python.org or your system's full Python package, or run make PYTHON=/path/to/another/python3."
    )


def create(venv: Path) -> None:
    """Create ``venv`` with pip; on failure remove what was made and raise BootstrapError."""
    try:
        import ensurepip  # noqa: F401 - Debian ships Python without it unless python3-venv is installed
        import venv as venv_module
    except ImportError:
        raise BootstrapError(missing_venv_support_message()) from None
    try:
        venv_module.EnvBuilder(with_pip=True, clear=True).create(str(venv))
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        raise BootstrapError(f"{missing_venv_support_message()} (python -m venv said: {exc})") from None
    problem = health(venv)
    if problem:
        shutil.rmtree(venv, ignore_errors=True)
        raise BootstrapError(f"{missing_venv_support_message()} (the new .venv is broken: {problem})")


def wanted(root: Path, extras: list[str]) -> str:
    """A fingerprint of what should be installed: the dependency files and the extras."""
    h = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        h.update((root / name).read_bytes())
    h.update(",".join(sorted(extras)).encode())
    return h.hexdigest()


@contextmanager
def _locked(venv: Path):
    """One bootstrap at a time per .venv (several make runs may start together)."""
    lock_path = venv.parent / (venv.name + ".lock")
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure(root: Path = ROOT, venv: Path | None = None, extras: list[str] | None = None,
           install: bool = True, log=print) -> Path:
    """Make ``venv`` healthy and up to date; return its Python. Raises BootstrapError."""
    venv = Path(venv) if venv else root / ".venv"
    extras = sorted(set(extras or []))
    with _locked(venv):
        problem = health(venv)
        if problem and problem != "missing":
            log(f".venv is half-made or broken ({problem}): removing it and building it again.")
            shutil.rmtree(venv)
        if problem:
            log(f"Creating {venv.name} with {sys.executable} ...")
            create(venv)
        if not install:
            return venv_python(venv)
        stamp = venv / STAMP_NAME
        previous = stamp.read_text().split() if stamp.exists() else []
        have_extras = previous[1].split(",") if len(previous) > 1 and previous[1] != "-" else []
        need_extras = sorted(set(extras) | set(have_extras))  # never uninstall an extra asked for before
        fingerprint = wanted(root, need_extras)
        if previous[:1] == [fingerprint]:
            return venv_python(venv)
        target = "." + (f"[{','.join(need_extras)}]" if need_extras else "")
        log(f"Installing the pinned packages and the kit into {venv.name} (pip install -c constraints.txt -e {target}) ...")
        cmd = [str(venv_python(venv)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-c", str(root / "constraints.txt"), "-e", target]
        result = subprocess.run(cmd, cwd=root)
        if result.returncode != 0:
            raise BootstrapError(f"pip install failed (exit {result.returncode}); see pip's message above. "
                                 f"Offline? See README 'Offline or air-gapped networks'.")
        stamp.write_text(f"{fingerprint} {','.join(need_extras) or '-'}\n")
    return venv_python(venv)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Create or repair .venv and install the pinned packages.")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv")
    parser.add_argument("--extra", action="append", default=[], help="optional dependency group, e.g. browser")
    parser.add_argument("--no-install", action="store_true", help="only make sure .venv exists with pip")
    args = parser.parse_args(argv)
    try:
        ensure(ROOT, args.venv, args.extra, install=not args.no_install)
    except BootstrapError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
