"""`gphotos-tui --help` and argument errors import no heavy library (issue 15: start-up)."""

import importlib
import json
import subprocess
import sys

import pytest

from gphotos_tui.commands import COMMANDS, command_specs

HEAVY = ("numpy", "pyarrow", "pandas", "httpx", "google", "googleapiclient", "google_auth_oauthlib", "textual", "rich")

_PROBE = r"""
import json, sys
from gphotos_tui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def probe(*argv: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=60)
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "stdout": done.stdout, "stderr": done.stderr}


def heavy(modules: list[str]) -> list[str]:
    return sorted(set(modules) & set(HEAVY))


def test_help_lists_every_command_without_importing_heavy_libraries():
    result = probe("--help")
    assert result["code"] == 0
    for spec in command_specs():
        assert spec.name in result["stdout"]
    assert heavy(result["modules"]) == [], f"--help imported {heavy(result['modules'])}"


@pytest.mark.parametrize("name", [spec.name for spec in command_specs()])
def test_a_commands_help_and_argument_errors_import_no_heavy_library(name):
    shown = probe(name, "--help")
    assert shown["code"] == 0 and "--db" in shown["stdout"], shown["stderr"]
    assert heavy(shown["modules"]) == [], f"{name} --help imported {heavy(shown['modules'])}"
    wrong = probe(name, "--no-such-option")
    assert wrong["code"] == 2 and "error:" in wrong["stderr"], wrong["stderr"]
    assert heavy(wrong["modules"]) == [], f"an argument error of {name} imported {heavy(wrong['modules'])}"


def test_unknown_command_is_an_argument_error():
    result = probe("no-such-command")
    assert result["code"] == 2 and "invalid choice" in result["stderr"]
    assert heavy(result["modules"]) == []


def test_specs_match_their_modules():
    assert len(COMMANDS) == len(command_specs())
    for spec in command_specs():
        module = importlib.import_module(spec.module)
        assert (spec.name, spec.help) == (module.NAME, module.HELP), spec.module
        assert callable(module.add_arguments) and callable(module.run)


def test_auth_ssh_port_matches_the_google_module():
    from gphotos_tui.commands import auth
    from gphotos_tui.google import auth as google_auth

    assert auth.SSH_PORT == google_auth.SSH_PORT
