"""One album's items, drawn lazily by ItemList; Escape goes back."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from gphotos_tui.catalog import queries
from gphotos_tui.catalog.queries import AlbumRow
from gphotos_tui.ui.format import date_span, human_size, utc_datetime
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.screens.item_detail import ItemDetailScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.item_list import ItemList
from gphotos_tui.ui.widgets.mode_bar import ModeBar

ALL_ITEMS_KIND = "all"  # a pseudo-album: every item in the catalog


def item_scope(album: AlbumRow) -> int | str | None:
    """What ItemList lists: None for all items, a pseudo-album key, or an album id."""
    if album.kind == ALL_ITEMS_KIND:
        return None
    return album.kind if album.kind in queries.PSEUDO_ALBUMS else album.id


def all_items_album(overview: queries.Overview) -> AlbumRow:
    return AlbumRow(
        0, "All items", ALL_ITEMS_KIND, overview.items, overview.favorites, overview.first_taken, overview.last_taken
    )


class AlbumItemsScreen(CatalogScreen):
    """The items of ``album`` by capture time, with the highlighted one described below."""

    BINDING_GROUP_TITLE = "Album"
    BINDINGS = [
        Binding("escape", "back", "Back", id="album.back", tooltip="Back to the albums"),
        Binding("enter", "open_item", "Details", id="album.item", tooltip="Every field, preview and link of the item"),
    ]

    def __init__(self, album: AlbumRow) -> None:
        super().__init__()
        self.album = album

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="album-heading")
        yield ItemList(item_scope(self.album), id="items")
        yield Static(" ", id="item-status")
        yield ModeBar()
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = f"{self.app.title} · {self.album.title}"
        self.query_one(ItemList).focus()

    async def reload(self) -> None:
        item_list = self.query_one(ItemList)
        await item_list.reload()
        span = date_span(self.album.first_taken, self.album.last_taken)
        self.query_one("#album-heading", Static).update(
            f"{escape(self.album.title)}  ·  {item_list.row_count:,} items  ·  {span}"
        )

    def on_item_list_highlighted(self, event: ItemList.Highlighted) -> None:
        status = self.query_one("#item-status", Static)
        row = event.row
        if row is None:
            status.update(f"{event.index + 1:,} / {event.item_list.row_count:,}")
            return
        camera = queries.camera_label(row.camera_make, row.camera_model) if row.camera_model else "unknown camera"
        flags = ", ".join(f for f, on in (("video", row.media_type == "video"), ("favourite", row.favorite)) if on)
        status.update(
            f"{event.index + 1:,} / {event.item_list.row_count:,}  ·  {escape(row.filename)}  ·  "
            f"{utc_datetime(row.taken_at)} UTC  ·  {escape(camera)}  ·  {human_size(row.size_bytes)}"
            + (f"  ·  {flags}" if flags else "")
        )

    def on_item_list_selected(self, event: ItemList.Selected) -> None:
        event.stop()
        if event.row is not None:
            self.app.push_screen(ItemDetailScreen(event.row.id))

    def action_open_item(self) -> None:
        self.query_one(ItemList).action_select()

    def action_back(self) -> None:
        self.app.pop_screen()
