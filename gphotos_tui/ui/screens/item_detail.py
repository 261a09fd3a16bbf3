"""One item in full: every catalog field in readable units, albums, sources, local copies,
a half-block preview, and its Google link (clickable, as a QR code, and copied over OSC 52)."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static

from gphotos_tui import units
from gphotos_tui.catalog import queries
from gphotos_tui.catalog.export import format_offset, iso_local, iso_utc
from gphotos_tui.google.qr import qr_text
from gphotos_tui.ui.format import human_size, utc_datetime
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.mode_bar import ModeBar
from gphotos_tui.ui.widgets.preview import Preview

PREVIEW_COLS, PREVIEW_ROWS = 36, 14
FIDELITY = {
    "original": "original file",
    "api_photo": "API download: recompressed, GPS removed",
    "api_video": "API download: transcoded video",
}


FLAGS = (("favorite", "favourite"), ("archived", "archived"), ("trashed", "trashed"))  # column, word shown
GOOGLE_LINK = "Google link"


def describe_item(d: queries.ItemDetail) -> list[tuple[str, str]]:
    """Every (label, value) the item screen shows, from the one catalog query (queries.item_detail).

    A value of several lines lists one thing per line (sources, local copies).
    """
    rows = describe_fields(d.fields)
    rows.append((GOOGLE_LINK, d.fields["product_url"] or "— (this source gives none)"))
    rows.append(("Id", d.public_id or "—"))
    rows.append(("Albums", ", ".join(d.albums) if d.albums else "not in any album"))
    seen = []
    for kind, _external, first, last, missing, _detail in d.sources:
        gone = f", missing since {utc_datetime(missing)}" if missing else ""
        seen.append(f"{kind}: first {utc_datetime(first)}, last {utc_datetime(last)}{gone}")
    rows.append(("Seen by", "\n".join(seen) or "—"))
    copies = [
        f"{path}  {human_size(size)}  {FIDELITY.get(fidelity or '', fidelity or '')}".rstrip()
        for path, size, fidelity in d.local_copies
    ]
    rows.append(("Local copies", "\n".join(copies) or "none (not backed up on this machine)"))
    return rows


def render_fields(rows: list[tuple[str, str]]) -> Table:
    """Bold labels beside their values: a long value wraps inside its own column, a several-line value
    lists one thing per line there, and the Google link is clickable."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        if label == GOOGLE_LINK and value.startswith("http"):
            link = Text.from_markup(f'[link="{value}"]{escape(value)}[/link]  (c copies, o shows a QR code)')
            table.add_row(label, link)
        else:
            table.add_row(label, Text(value))
    return table


def describe_fields(f: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs in words and units a person reads."""
    local = iso_local(f["taken_at"], f["utc_offset_min"])
    camera = queries.camera_label(f["camera_make"], f["camera_model"]) if f["camera_model"] else "—"
    flags = ", ".join(word for n, word in FLAGS if f[n]) or "—"
    rows = [
        ("File", f["filename"]),
        ("Type", f"{f['media_type']} ({f['mime_type'] or 'unknown format'})"),
        ("Taken (UTC)", (iso_utc(f["taken_at"]) or "unknown").replace("T", " ").rstrip("Z")),
        (
            "Taken (local)",
            f"{local.replace('T', ' ')} ({format_offset(f['utc_offset_min'])})" if local else "offset unknown",
        ),
        ("Time from", f["time_source"] or "—"),
        (
            "Pixels",
            f"{f['width']} × {f['height']} ({units.megapixels(f['width'], f['height'])})" if f["width"] else "—",
        ),
        ("Size", human_size(f["size_bytes"])),
        ("Camera", camera),
        ("Lens", f["lens_model"] or "—"),
        ("Focal length", units.focal_length(f["focal_length_mm"], f["focal_length_35mm"]) or "—"),
        ("Aperture", units.aperture(f["aperture_f"]) or "—"),
        ("Exposure", units.exposure(f["exposure_s"]) or "—"),
        ("ISO", str(f["iso"]) if f["iso"] else "—"),  # the label already says ISO
        ("Duration", units.duration(f["duration_s"]) or "—"),
        ("Location", units.coordinates(f["latitude"], f["longitude"]) or "—"),
        ("Flags", flags),
        ("Description", f["description"] or "—"),
    ]
    return rows


class ItemDetailScreen(CatalogScreen):
    BINDING_GROUP_TITLE = "Item"
    BINDINGS = [
        Binding("escape", "back", "Back", id="item.back"),
        Binding("c", "copy_link", "Copy link", id="item.copy", tooltip="Copy the Google link (OSC 52, works over SSH)"),
        Binding("o", "toggle_qr", "QR code", id="item.qr", tooltip="Show the Google link as a QR code"),
    ]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.detail: queries.ItemDetail | None = None
        self.lines: list[tuple[str, str]] = []  # what the screen shows, as (label, value)
        self.qr_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="detail-body"):
            with VerticalScroll(id="fields"):
                yield Static(id="field-text")
            with VerticalScroll(id="side"):
                yield Preview("loading preview…", id="preview")
                yield Static(id="qr")
        yield ModeBar()
        yield SteadyFooter()

    async def reload(self) -> None:
        self.detail = await queries.item_detail(self.catalog.reader, self.item_id)
        if self.detail is None:
            self.query_one("#field-text", Static).update("This item is no longer in the catalog.")
            return
        d = self.detail
        self.title = f"{self.app.title} · {d.fields['filename']}"
        self.lines = describe_item(d)
        self.query_one("#field-text", Static).update(render_fields(self.lines))
        self._load_preview()

    @work(group="preview", exclusive=True, exit_on_error=False, description="Preview")
    async def _load_preview(self) -> None:
        """Local copy first, then the demo renderer, then a fresh base-URL thumbnail from Google."""
        from gphotos_tui.analysis.duplicates.preview import halfblock_cells, loader_cells
        from gphotos_tui.analysis.duplicates.providers import loader_for
        from gphotos_tui.engine.byte_sources import default_providers

        preview = self.query_one("#preview", Preview)
        name = str(self.detail.fields["filename"] or "") if self.detail else ""
        try:
            job = await loader_for(self.catalog.reader, self.item_id, default_providers())
            if job is not None:  # a local file or a Takeout member: read with seeks, an embedded JPEG if big enough
                cells = await asyncio.to_thread(loader_cells, job.load, PREVIEW_COLS, PREVIEW_ROWS, name)
            else:
                data = await self._thumbnail()
                if data is None:
                    preview.update("no preview: no local copy, and no Google source that serves pictures")
                    return
                cells = await asyncio.to_thread(halfblock_cells, data, PREVIEW_COLS, PREVIEW_ROWS, name)
        except Exception as exc:  # a broken file, a HEIC without a JPEG preview, a network error: say so
            preview.update(f"no preview: {escape(str(exc))[:120]}")
            return
        preview.show_cells(cells)

    async def _thumbnail(self) -> bytes | None:
        """A small picture through a fresh base URL (batchGet: base URLs expire after an hour)."""
        assert self.detail is not None  # set by reload before it starts the preview
        library_ids = [ext for kind, ext, *_ in self.detail.sources if kind == "library"]
        if not library_ids:
            return None
        import httpx

        library, _picker, usage = self.gphotos.google.clients(self.catalog)
        try:
            items = await library.batch_get(library_ids[:1])
        finally:
            await usage.flush()
        # batchGet answers mediaItemResults: {"mediaItem": {...}} or {"status": ...} per id.
        base = (items[0].get("mediaItem") or {}).get("baseUrl") if items else None
        if not base:
            return None
        token = library.client.caller.tokens.token()
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.get(
                f"{base}=w{PREVIEW_COLS * 8}-h{PREVIEW_ROWS * 16}", headers={"Authorization": f"Bearer {token}"}
            )
            response.raise_for_status()
            return response.content

    def action_copy_link(self) -> None:
        url = self.detail.fields["product_url"] if self.detail else None
        if url:
            self.app.copy_to_clipboard(url)  # OSC 52 reaches the local terminal over SSH
            self.notify("Google link copied to your clipboard")
        else:
            self.notify("This item has no Google link", severity="warning")

    def action_toggle_qr(self) -> None:
        qr = self.query_one("#qr", Static)
        url = self.detail.fields["product_url"] if self.detail else None
        if not url:
            self.notify("This item has no Google link", severity="warning")
            return
        self.qr_shown = not self.qr_shown
        qr.update((qr_text(url) or "") if self.qr_shown else "")  # None only with a max_width

    def action_back(self) -> None:
        self.app.pop_screen()
