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


def test_the_app_stylesheet_parses_each_source_once_per_theme(monkeypatch):
    import textual.css.stylesheet as stylesheet_module

    from gphotos_tui.ui.stylesheet import ParseOnceStylesheet

    tokenized: list[str] = []
    parse = stylesheet_module.parse

    def counted(scope, css, *args, **kwargs):
        tokenized.append(css)
        return parse(scope, css, *args, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counted)
    variables = App().get_css_variables()
    sheet = ParseOnceStylesheet(variables=variables)
    sheet.add_source("Label { color: $primary; }", read_from=("a", ""))
    sheet.reparse()
    assert tokenized == ["Label { color: $primary; }"]
    sheet.set_variables(dict(variables))  # what App.refresh_css does on every first visit of a screen
    sheet.reparse()
    assert len(tokenized) == 1  # nothing changed: nothing tokenized again
    sheet.add_source("Static { color: $accent; }", read_from=("b", ""))
    sheet.reparse()
    assert tokenized[1:] == ["Static { color: $accent; }"]  # only the new source
    assert len(sheet.rules) == 2
    before = str(sheet.rules[0].styles.color)
    sheet.set_variables({**variables, "primary": "#123456"})  # a theme change parses everything again
    sheet.reparse()
    assert len(tokenized) == 4
    assert str(sheet.rules[0].styles.color) != before and "18, 52, 86" in str(sheet.rules[0].styles.color)
