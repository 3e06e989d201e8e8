"""``make present`` without a browser: the command line it builds and its one-line errors.

(The real app-mode check, with Voila serving a notebook to chromium, is tests/browser/test_present.py.)
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from casekit import present

ROOT = Path(__file__).resolve().parent.parent


def test_the_server_is_bound_to_loopback_with_the_token_and_code_hidden():
    nb = present.resolve_notebook("notebooks/02_leverage_lab.ipynb")
    cmd = present.command(nb, 8899, "secret-token", python="python")
    assert cmd[:4] == ["python", "-m", "voila", str(nb)]
    assert "--Voila.ip=127.0.0.1" in cmd  # plain --ip is ignored by Voila 0.5 and leaves 'localhost'
    assert "--token=secret-token" in cmd and "--port=8899" in cmd
    assert "--strip_sources=True" in cmd and "--template=casekit" in cmd and "--no-browser" in cmd


def test_the_kit_template_is_found_first_and_drops_the_cdn_stylesheets():
    env = present.environment({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":")[0] == str(present.TEMPLATE_ROOT)
    assert env["JUPYTER_PATH"].endswith("/elsewhere")
    template = present.TEMPLATE_ROOT / "voila" / "templates" / "casekit" / "index.html.j2"
    text = template.read_text()
    assert "extends 'voila/templates/lab/index.html.j2'" in text
    assert text.count("| replace(") == 2 and "cdn.jsdelivr.net" in text


@pytest.mark.parametrize("given, expected", [
    ("notebooks/99_nowhere.ipynb", "no such notebook"),
    ("README.md", "not a notebook"),
    ("", "NB is empty"),
])
def test_bad_notebooks_get_one_line_errors_listing_the_choices(given, expected, capsys):
    assert present.main([given, "--no-browser"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and expected in err
    assert "notebooks/10_egypt.ipynb" in err  # the choices (or the example) are named


def test_a_notebook_outside_the_kit_folders_is_refused(tmp_path, capsys):
    outside = tmp_path / "x.ipynb"
    outside.write_text("{}")
    assert present.main([str(outside), "--no-browser"]) == 1
    assert "notebooks/, exercises/ or my-work/" in capsys.readouterr().err


def test_a_port_in_use_is_named(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert not present.port_free(port)
        assert present.main(["notebooks/02_leverage_lab.ipynb", "--port", str(port), "--no-browser"]) == 1
    err = capsys.readouterr().err.strip()
    assert f"port {port}" in err and "in use" in err and "\n" not in err
