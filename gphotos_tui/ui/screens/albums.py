"""The Albums screen: every album with its size and dates, filterable by typing."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from gphotos_tui.catalog import summaries
from gphotos_tui.catalog.queries import AlbumRow
from gphotos_tui.ui.format import date_span
from gphotos_tui.ui.screens.album_items import ALL_ITEMS_KIND, AlbumItemsScreen
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.mode_bar import ModeBar

SORTS = {  # key -> (label, sort key); "dates" keeps the catalog's order (oldest album first)
    "dates": ("date", None),
    "title": ("title", lambda a: a.title.casefold()),
    "items": ("size", lambda a: -a.items),
}


def row_key(album: AlbumRow) -> str:
    return album.kind if album.id == 0 else str(album.id)


def matches(album: AlbumRow, words: list[str]) -> bool:
    title = album.title.casefold()
    return all(word in title for word in words)


class AlbumsScreen(CatalogScreen):
    """A table of albums; ``/`` filters by title, Enter opens the album's items."""

    BINDING_GROUP_TITLE = "Albums"
    AUTO_FOCUS = "#albums"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="albums.filter", tooltip="Filter albums by title"),
        Binding("escape", "clear_filter", "Clear filter", id="albums.clear", show=False),
        Binding("enter", "open", "Open", id="albums.open", tooltip="Show the album's items", show=False),
        Binding("o", "sort", "Sort", id="albums.sort", tooltip="Sort by date, title or size"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._albums: list[AlbumRow] = []
        self._pseudo: list[AlbumRow] = []
        self.sort = "dates"
        self._loaded_version: int | None = None  # the reader's PRAGMA data_version the table was read at
        self.loads = 0  # summary reads that reached the table (tests: a return to an unchanged catalog adds none)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter albums by title…", id="album-filter")
        yield Static(id="album-summary")
        yield DataTable(id="albums", cursor_type="row", zebra_stripes=True)
        yield Static(id="backup-status")
        yield ModeBar()
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#albums", DataTable)
        table.add_column("Album", key="title")
        table.add_column("Items", key="items")
        table.add_column("Dates (UTC)", key="dates")
        table.add_column("Favs", key="favorites")
        table.add_column("Source", key="source")
        self.query_one("#album-filter", Input).cursor_blink = False  # no repaint traffic over SSH

    async def reload(self) -> None:
        """Read the kept album summaries and show them; a return to an unchanged catalog reads nothing.

        The reader's ``PRAGMA data_version`` moves whenever another connection (the app's writer, a
        job, another process) commits: the same number means the table on screen is current."""
        conn = self.catalog.reader
        version = await summaries.data_version(conn)
        if version == self._loaded_version:
            return
        # The catalog keeps these summaries current on every write: a few hundred rows to read,
        # however many items (counting them from the items took seconds at a million).
        sets = await summaries.item_sets(conn)
        everything = AlbumRow(0, "All items", ALL_ITEMS_KIND, *sets[summaries.ALL_ITEMS])
        self._pseudo = [everything, *await summaries.pseudo_albums(conn)]
        self._albums = await summaries.albums(conn)
        self._loaded_version = version
        self.loads += 1
        self._show()
        # The backup line counts over the item sources and local files: after the table is on screen.
        self._load_backup_status()

    @work(group="albums-backup", exclusive=True, exit_on_error=False, description="Backup status")
    async def _load_backup_status(self) -> None:
        from gphotos_tui.backup.status import backup_status

        status = await backup_status(self.catalog)
        self.query_one("#backup-status", Static).update(
            "Backup: " + status.one_line()
            if status.local_files
            else "Backup: nothing on this machine yet (Sync screen: f scans a folder, b backs up originals)"
        )

    @property
    def filter_words(self) -> list[str]:
        return self.query_one("#album-filter", Input).value.casefold().split()

    def _show(self) -> None:
        table = self.query_one("#albums", DataTable)
        current = self.selected_album
        words = self.filter_words
        albums = [a for a in self._albums if matches(a, words)]
        key = SORTS[self.sort][1]
        if key is not None:
            albums.sort(key=key)
        shown = [a for a in self._pseudo if matches(a, words)] + albums
        table.clear()
        for album in shown:
            table.add_row(
                album.title,
                Text(f"{album.items:,}", justify="right"),
                date_span(album.first_taken, album.last_taken),
                Text(f"{album.favorites:,}", justify="right"),
                "—" if album.id == 0 else album.kind,
                key=row_key(album),
            )
        if current is not None and row_key(current) in table.rows:
            table.move_cursor(row=table.get_row_index(row_key(current)))
        summary = f"{len(self._albums):,} albums"
        if words:
            summary = f"{len(albums):,} of {summary} match “{' '.join(words)}”"
        summary += f"  ·  sorted by {SORTS[self.sort][0]} (o)  ·  Enter opens"
        self.query_one("#album-summary", Static).update(summary)

    @property
    def selected_album(self) -> AlbumRow | None:
        table = self.query_one("#albums", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in [*self._pseudo, *self._albums] if row_key(a) == key), None)

    # -- filtering -------------------------------------------------------------

    def action_filter(self) -> None:
        self.add_class("-filtering")
        self.query_one("#album-filter", Input).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one("#album-filter", Input)
        filter_input.value = ""
        self.remove_class("-filtering")
        self.query_one("#albums", DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#albums", DataTable).focus()

    def action_sort(self) -> None:
        order = list(SORTS)
        self.sort = order[(order.index(self.sort) + 1) % len(order)]
        self._show()

    # -- opening -------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        album = self.selected_album
        if album is not None:
            self.app.push_screen(AlbumItemsScreen(album))
