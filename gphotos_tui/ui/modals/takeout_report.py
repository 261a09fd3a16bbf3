"""The last Takeout import's diagnostics: matched share, rules, and every file left unmatched."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from gphotos_tui.sources.takeout.report import ImportReport
from gphotos_tui.ui.modals.base import Modal
from gphotos_tui.ui.widgets.footer import SteadyFooter


class TakeoutReportScreen(Modal[None]):
    """The last import's diagnostics: matched share, rules, and every file left unmatched."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, report: ImportReport) -> None:
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
        with Vertical(classes="dialog -page"):
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
