"""One notebook in app mode for the seminar-room screen: ``make present NB=notebooks/10_egypt.ipynb``.

Voila runs the notebook and shows its outputs and live widgets with every code cell hidden. The
server listens on 127.0.0.1 only and asks for a token, printed with the address (Voila has no token
unless one is given, and binds to ``localhost`` unless ``--Voila.ip`` is set). The kernel is started
before the first visit (``--preheat_kernel``), so the page is ready in a few seconds. The page uses
the kit's own Voila template (``casekit/templates/jupyter/voila/templates/casekit``): Voila's lab
template without its Font Awesome stylesheets from a CDN, so nothing is asked of another host.

Usage::

    python -m casekit.present notebooks/10_egypt.ipynb [--port 8866] [--token TOKEN] [--no-browser]

Ctrl-C stops it. Predictions recorded on the screen are saved like any learner's (``my-work/``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import paths

__all__ = ["TEMPLATE_ROOT", "resolve_notebook", "command", "environment", "port_free", "main"]

TEMPLATE_ROOT = Path(__file__).resolve().parent / "templates" / "jupyter"
FOLDERS = ("notebooks", "exercises", "my-work")


class PresentError(RuntimeError):
    """A one-line problem with what was asked for."""


def _choices() -> str:
    found = [str(p.relative_to(paths.ROOT)) for f in FOLDERS[:2] for p in sorted((paths.ROOT / f).glob("*.ipynb"))]
    return ", ".join(found)


def resolve_notebook(nb: str | Path) -> Path:
    """The notebook to present, checked: an existing .ipynb inside notebooks/, exercises/ or my-work/."""
    if not str(nb).strip():
        raise PresentError(f"NB is empty; give a notebook, e.g. NB=notebooks/10_egypt.ipynb (choices: {_choices()})")
    path = Path(nb)
    path = (path if path.is_absolute() else paths.ROOT / path).resolve()
    if path.suffix != ".ipynb":
        raise PresentError(f"NB={nb}: not a notebook (.ipynb); choices: {_choices()}")
    if not path.is_file():
        raise PresentError(f"NB={nb}: no such notebook; choices: {_choices()}")
    if not any(path.is_relative_to(paths.ROOT / f) for f in FOLDERS):
        raise PresentError(f"NB={nb}: present notebooks from notebooks/, exercises/ or my-work/ only")
    return path


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def environment(base: dict | None = None) -> dict:
    """The server's environment: the kit's Voila template first on JUPYTER_PATH."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    return env


def command(notebook: Path, port: int, token: str, python: str | None = None) -> list[str]:
    """The Voila command line for one notebook, bound to 127.0.0.1 with a token."""
    return [
        python or sys.executable, "-m", "voila", str(notebook),
        "--Voila.ip=127.0.0.1", f"--port={port}", f"--token={token}", "--no-browser",
        "--template=casekit", "--strip_sources=True", "--preheat_kernel=True",
        f"--Voila.root_dir={notebook.parent}",
    ]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.25)
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Show one notebook in app mode (Voila) on 127.0.0.1 with a token.")
    parser.add_argument("notebook", help="e.g. notebooks/10_egypt.ipynb")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--token", default=None, help="default: a new random token")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser (also CASEKIT_NO_BROWSER=1)")
    args = parser.parse_args(argv)
    try:
        notebook = resolve_notebook(args.notebook)
        if not 1024 <= args.port <= 65535:
            raise PresentError(f"port {args.port}: use a port between 1024 and 65535")
        if not port_free(args.port):
            raise PresentError(f"port {args.port} on 127.0.0.1 is in use; choose another: make present NB=... PRESENT_PORT=8867")
        import voila  # noqa: F401 - checked here for a clear message
    except PresentError as exc:
        print(f"make present: {exc}", file=sys.stderr)
        return 1
    except ImportError:
        print("make present needs Voila (the [present] extra); run: make present NB=...", file=sys.stderr)
        return 1
    token = args.token or secrets.token_urlsafe(24)
    url = f"http://127.0.0.1:{args.port}/?token={token}"
    proc = subprocess.Popen(command(notebook, args.port, token), env=environment(), cwd=notebook.parent)
    try:
        if not _wait_for_port(args.port, proc):
            print("make present: Voila did not start (see its messages above)", file=sys.stderr)
            return 1
        print(f"\nPresenting {notebook.relative_to(paths.ROOT)} in app mode (code hidden, widgets live).\n"
              f"Open: {url}\nToken: {token}\nStop with Ctrl-C.\n", flush=True)
        if not (args.no_browser or os.environ.get("CASEKIT_NO_BROWSER") == "1"):
            import webbrowser

            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    raise SystemExit(main())
