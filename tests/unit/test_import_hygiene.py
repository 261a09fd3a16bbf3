"""The core must never import Textual: headless commands run without it."""

import pkgutil
import subprocess
import sys

import pytest

import gphotos_tui


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(gphotos_tui.__path__, "gphotos_tui."):
        if (
            info.name == "gphotos_tui.ui"
            or info.name.startswith("gphotos_tui.ui.")
            or info.name == "gphotos_tui.__main__"
        ):
            continue
        names.append(info.name)
    return names


def test_core_modules_exist():
    names = core_modules()
    assert "gphotos_tui.catalog.store" in names
    assert "gphotos_tui.cli" in names


@pytest.mark.subprocess
def test_no_textual_outside_ui():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'textual_plotext'))\n"
        "print(leaked)\n"
        "raise SystemExit(1 if leaked else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"core imported {result.stdout} {result.stderr}"


@pytest.mark.subprocess
def test_headless_commands_do_not_import_textual(tmp_path):
    code = (
        "import sys\n"
        "from gphotos_tui.cli import main\n"
        f"main(['demo-catalog', '--db', {str(tmp_path / 'c.sqlite')!r}, '--size', '100'])\n"
        f"main(['export', '--db', {str(tmp_path / 'c.sqlite')!r}, '--output', {str(tmp_path / 'o.jsonl')!r}])\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o.jsonl").read_text().count("\n") == 100


@pytest.mark.subprocess
def test_the_app_loads_the_google_client_libraries_only_when_it_talks_to_google():
    """Issue 15: the app's memory; httplib2, googleapiclient and httpx (about 18 MB) come with a sync or a download."""
    code = (
        "import sys\n"
        "from gphotos_tui.ui.app import make_app\n"
        "from gphotos_tui.google import auth, library, media, picker, tokens, transport\n"
        "loaded = sorted(m for m in ('httplib2', 'googleapiclient', 'httpx', 'google.auth') if m in sys.modules)\n"
        "print(loaded)\n"
        "raise SystemExit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"imported {result.stdout} {result.stderr}"
