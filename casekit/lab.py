"""Start JupyterLab on the whole kit (``make lab``).

JupyterLab roots its file browser at the folder it is started in (or at the folder of a notebook
given on its command line), so ``jupyter lab notebooks/00_start_here.ipynb`` hides ``exercises/``
and ``my-work/``. This launcher serves the repository root and opens the start notebook instead:

* it checks the port first and, if it is taken, says which port and how to choose another;
* it makes a login token and prints the exact link (with the token) before the server starts;
* it opens a browser where there is a graphical one (macOS, Windows, Linux with a display) and
  otherwise tells you to open the link yourself;
* it creates the learner's ``my-work/`` folder (git-ignored) so it is there in the file browser.

Standard library only, so ``python casekit/lab.py --check-port`` works before ``.venv`` exists.
"""

from __future__ import annotations

import argparse
import errno
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "notebooks/00_start_here.ipynb"
HOST = "127.0.0.1"
DEFAULT_PORT = 8888


def port_in_use(port: int, host: str = HOST) -> bool:
    """True when something already listens on (or holds) ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name != "nt":  # as the Jupyter server does; a closed server's TIME_WAIT does not count
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1), errno.EACCES):
                return True
            raise
    return False


def free_port_near(port: int, host: str = HOST, tries: int = 50) -> int | None:
    """The first free port after ``port`` (None if the next ``tries`` are all taken)."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        if not port_in_use(candidate, host):
            return candidate
    return None


def busy_port_message(port: int, host: str = HOST) -> str:
    """What to tell a learner whose port is taken (one line and a suggestion)."""
    other = free_port_near(port, host)
    hint = f"make lab PORT={other}" if other else "make lab PORT=<another port between 1024 and 65535>"
    return (f"Port {port} on {host} is already in use (is another JupyterLab running? "
            f"`jupyter server list` shows them). Choose another port: {hint}")


# JupyterLab's tree URL moves the file browser to the notebook's folder; this keeps it at the kit's
# root, where notebooks/, exercises/ and my-work/ are all in view.
BROWSER_AT_ROOT = "file-browser-path=/"


def lab_url(port: int, token: str, host: str = HOST, path: str = START) -> str:
    """The link that logs in, opens ``path`` (the start notebook by default) and shows the kit's root."""
    query = f"?{BROWSER_AT_ROOT}" + (f"&token={token}" if token else "")
    return f"http://{host}:{port}/lab/tree/{path}{query}"


def can_open_browser(environ=None, platform: str | None = None) -> bool:
    """Whether a graphical browser can be opened: always on macOS and Windows, on Linux and other
    Unix systems only with a display (without one, Python would pick a text browser in the terminal)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if environ.get("CASEKIT_NO_BROWSER"):
        return False
    if platform == "darwin" or platform.startswith("win") or platform == "cygwin":
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY") or environ.get("BROWSER"))


def command(port: int, root: Path = ROOT, open_browser: bool = False, python: str | None = None) -> list[str]:
    """The JupyterLab command line: the kit's root served, the start notebook as the landing page."""
    cmd = [python or sys.executable, "-m", "jupyterlab",
           f"--ServerApp.root_dir={root}",
           # JupyterLab's own default_url (/lab) wins over the server's: set both, so "/" and the
           # browser Jupyter opens land on the start notebook too, not on the Launcher
           f"--ServerApp.default_url=/lab/tree/{START}?{BROWSER_AT_ROOT}",
           f"--LabApp.default_url=/lab/tree/{START}?{BROWSER_AT_ROOT}",
           f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--ServerApp.open_browser={open_browser}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casekit.lab", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT))
    parser.add_argument("--root", type=Path, default=ROOT, help="folder to serve (default: the kit's root)")
    parser.add_argument("--no-browser", action="store_true", help="never open a browser")
    parser.add_argument("--check-port", action="store_true", help="only check that the port is free")
    parser.add_argument("--token", default=None, help="login token (default: a new random one)")
    args, jupyter_args = parser.parse_known_args(argv)  # anything else goes to JupyterLab as it is

    if not 1 <= args.port <= 65535:
        print(f"PORT must be a number between 1 and 65535, got {args.port}", file=sys.stderr)
        return 2
    if port_in_use(args.port):
        print(busy_port_message(args.port), file=sys.stderr)
        return 1
    if args.check_port:
        return 0

    root = args.root.resolve()
    (root / "my-work").mkdir(exist_ok=True)  # git-ignored: the learner's own copies live here
    token = secrets.token_hex(24) if args.token is None else args.token
    open_browser = not args.no_browser and can_open_browser()
    url = lab_url(args.port, token)
    print(f"casekit: JupyterLab serves {root} (notebooks/, exercises/, my-work/ ...).", flush=True)
    print(f"Open this link (it holds your login token):\n\n    {url}\n", flush=True)
    if not open_browser:
        print("No graphical browser here: copy the link into a browser on this machine.", flush=True)
    print("Stop the server with Ctrl-C (twice).", flush=True)

    env = dict(os.environ, JUPYTER_TOKEN=token)  # not on the command line, where `ps` would show it
    cmd = command(args.port, root, open_browser) + jupyter_args
    if token == "":  # explicitly no token (the browser test suite on loopback); JUPYTER_TOKEN="" would not do
        cmd.append("--IdentityProvider.token=")
    if os.name == "posix":  # JupyterLab takes over this process: Ctrl-C and its shutdown work as usual
        os.chdir(root)
        os.execve(cmd[0], cmd, env)
    try:
        return subprocess.call(cmd, cwd=root, env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
