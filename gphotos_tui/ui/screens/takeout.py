"""Takeout on the Sync screen: ask for the parts, and show what the import could not match."""

from __future__ import annotations

import shlex

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from gphotos_tui.ui.widgets.footer import SteadyFooter


class PathsScreen(ModalScreen[list[str] | None]):
    """Ask for one or more paths (quoted like a shell, ~ and globs expanded); Enter submits."""

    DEFAULT_CSS = """
    PathsScreen { align: center middle; }
    PathsScreen > Vertical { width: 90%; max-width: 100; height: auto; background: $surface; padding: 1 2; }
    PathsScreen #error { color: $text-error; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, title: str, help_text: str, suggestion: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.heading, self.help_text = title, help_text
        self.suggestion, self.placeholder = suggestion, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{escape(self.heading)}[/b]\n{escape(self.help_text)}")
            yield Input(value=self.suggestion, placeholder=self.placeholder, id="paths")
            yield Static(id="error")
        yield SteadyFooter()

    @on(Input.Submitted, "#paths")
    def submitted(self, event: Input.Submitted) -> None:
        import glob
        import os

        try:
            words = shlex.split(event.value)
        except ValueError as exc:
            self.query_one("#error", Static).update(f"Could not read that: {escape(str(exc))}")
            return
        paths: list[str] = []
        for word in words:
            expanded = os.path.expanduser(word)
            paths += sorted(glob.glob(expanded)) or [expanded]
        if not paths:
            self.query_one("#error", Static).update("Give at least one path.")
            return
        self.dismiss(paths)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def takeout_paths_screen(suggestion: str = "") -> PathsScreen:
    return PathsScreen(
        "Import a Google Takeout",
        "Give every part at once (items and their sidecars are often in different parts), separated "
        "by spaces; quote names with spaces. Enter imports.",
        suggestion,
        "~/Downloads/takeout-*-001.zip ~/Downloads/takeout-*-002.zip",
    )


class TakeoutReportScreen(ModalScreen[None]):
    """The last import's diagnostics: matched share, rules, and every file left unmatched."""

    DEFAULT_CSS = """
    TakeoutReportScreen > Vertical { background: $surface; }
    TakeoutReportScreen #summary { height: auto; padding: 0 1; }
    TakeoutReportScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, report) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        rules = ", ".join(f"{k} {v:,}" for k, v in sorted(r.by_rule.items(), key=lambda kv: -kv[1]))
        times = ", ".join(f"{k} {v:,}" for k, v in sorted(r.time_sources.items(), key=lambda kv: -kv[1]))
        lines = [
            f"[b]Takeout import[/b]: {escape(r.one_line())}",
            f"Sidecars matched by rule: {escape(rules) or '—'}",
            f"Capture time from: {escape(times) or '—'}",
        ]
        if r.problems:
            lines.append("[b red]Problems:[/] " + escape("; ".join(r.problems)))
        with Vertical():
            yield Static("\n".join(lines), id="summary")
            yield DataTable(id="unmatched", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("What", "File", "Nearest candidates")
        r = self.report
        for media in r.unmatched_media:
            table.add_row("media without sidecar", media["path"], ", ".join(media.get("nearest_sidecars") or []) or "—")
        for sidecar in r.orphan_sidecars:
            table.add_row(
                "sidecar without media", sidecar["path"], ", ".join(sidecar.get("nearest_media") or []) or "—"
            )
        for error in r.errors:
            table.add_row(Text("error", style="bold red"), str(error.get("entry", "")), str(error.get("error", "")))
        if not table.row_count:
            table.add_row("—", "Every media file found its sidecar, and every sidecar its media.", "")
