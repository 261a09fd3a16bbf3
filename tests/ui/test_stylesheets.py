"""Every stylesheet of the UI parses, and the app loads each of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet

from gphotos_tui.ui.app import UI_DIR, GPhotosApp

TCSS = sorted(UI_DIR.rglob("*.tcss"))


def test_there_are_stylesheets_next_to_the_screens_and_modals():
    folders = {path.parent.name for path in TCSS}
    assert {"screens", "modals"} <= folders
    assert (UI_DIR / "modals" / "modal.tcss") in TCSS


@pytest.mark.parametrize("path", TCSS, ids=[str(p.relative_to(UI_DIR)) for p in TCSS])
def test_each_stylesheet_parses(path: Path):
    sheet = Stylesheet(variables=App().get_css_variables())  # the theme's $variables
    sheet.read(path)
    sheet.parse()  # raises StylesheetParseError with the line on a mistake
    assert sheet.rules, f"{path} has no rules"


def test_the_app_loads_every_stylesheet_once_with_the_shared_modal_style_first():
    paths = [Path(p) for p in GPhotosApp.CSS_PATH]
    assert sorted(paths) == TCSS
    assert paths[0].name == "modal.tcss"


def test_only_reusable_widgets_keep_default_css():
    import gphotos_tui.ui as ui

    root = Path(ui.__file__).parent
    with_css = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.py") if "DEFAULT_CSS" in p.read_text(encoding="utf-8")
    )
    assert with_css and all(name == "charts.py" or name.startswith("widgets/") for name in with_css), with_css
