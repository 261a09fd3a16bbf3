"""The Albums screen: every album with its size and dates, filterable by typing.

The list is a ``WindowedList``: the catalog's kept album summaries are read a window at a time,
filtered and sorted in SQL (``catalog.windows``), so the screen costs the same with ten albums or
ten thousand; the pseudo-albums (All items, Favorites, ...) come first, from the item-set summaries.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, Static

from gphotos_tui.catalog import summaries, windows
from gphotos_tui.catalog.queries import AlbumRow
from gphotos_tui.ui.format import date_span
from gphotos_tui.ui.screens.album_items import ALL_ITEMS_KIND, AlbumItemsScreen
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.mode_bar import ModeBar
from gphotos_tui.ui.widgets.windowed_list import WindowedList, fit

SORTS = {  # key -> label; "dates" keeps the catalog's order (oldest album first); see windows.ALBUM_ORDERS
    "dates": "date",
    "title": "title",
    "items": "size",
}
ITEMS_WIDTH, DATES_WIDTH, FAVS_WIDTH, SOURCE_WIDTH, TITLE_MAX = 9, 23, 6, 10, 32


def row_key(album: AlbumRow) -> str:
    return album.kind if album.id == 0 else str(album.id)


def matches(album: AlbumRow, words: list[str]) -> bool:
    title = album.title.casefold()
    return all(word in title for word in words)


def album_columns(title: str, items: str, dates: str, favs: str, source: str, width: int) -> str:
    """One line: title (the slack, up to TITLE_MAX), items, date span, favourites, source."""
    fixed = 1 + ITEMS_WIDTH + 2 + DATES_WIDTH + 2 + FAVS_WIDTH + 2 + SOURCE_WIDTH
    title_width = max(12, min(TITLE_MAX, width - fixed - 1))
    return fit(
        f" {fit(title, title_width)} {items.rjust(ITEMS_WIDTH)}  {fit(dates, DATES_WIDTH)}  "
        f"{favs.rjust(FAVS_WIDTH)}  {source}",
        width,
    )


class AlbumList(WindowedList):
    """The pseudo-albums matching the filter, then the albums matching it in the chosen order."""

    LOADING_WHAT = "albums"

    class Highlighted(WindowedList.Highlighted):
        """The cursor moved to the album ``row`` (None while its window is still loading)."""

    class Selected(Highlighted):
        """Enter was pressed on a loaded row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pseudo: list[AlbumRow] = []  # All items and the pseudo-albums, unfiltered
        self.words: list[str] = []
        self.sort = "dates"
        self.matching_albums = 0  # real albums the filter lets through

    @property
    def shown_pseudo(self) -> list[AlbumRow]:
        return [a for a in self.pseudo if matches(a, self.words)]

    async def count_rows(self) -> int:
        self.matching_albums = await windows.album_count(self.catalog.reader, self.words)
        return len(self.shown_pseudo) + self.matching_albums

    async def fetch_rows(self, offset: int, limit: int, previous: Sequence[AlbumRow] | None) -> list[AlbumRow]:
        pseudo = self.shown_pseudo
        rows = pseudo[offset : offset + limit]
        if len(rows) < limit:
            start = max(0, offset - len(pseudo))
            rows += await windows.album_window(self.catalog.reader, self.words, self.sort, start, limit - len(rows))
        return rows

    async def position(self, album: AlbumRow) -> int | None:
        """Where ``album`` is in the list as filtered and sorted now (None when the filter hides it)."""
        pseudo = self.shown_pseudo
        if album.id == 0:
            keys = [row_key(a) for a in pseudo]
            return keys.index(row_key(album)) if row_key(album) in keys else None
        found = await windows.album_position(self.catalog.reader, self.words, self.sort, album.id)
        return None if found is None else len(pseudo) + found

    def header_text(self, width: int) -> str:
        return album_columns("Album", "Items", "Dates (UTC)", "Favs", "Source", width)

    def row_text(self, album: AlbumRow, width: int) -> str:
        return album_columns(
            album.title,
            f"{album.items:,}",
            date_span(album.first_taken, album.last_taken),
            f"{album.favorites:,}",
            "—" if album.id == 0 else album.kind,
            width,
        )


class AlbumsScreen(CatalogScreen):
    """A list of albums; ``/`` filters by title, Enter opens the album's items."""

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
        self._album_total = 0
        self._loaded_version: int | None = None  # the reader's PRAGMA data_version the list was read at
        self.loads = 0  # summary reads that reached the list (tests: a return to an unchanged catalog adds none)

    @property
    def sort(self) -> str:
        return self.album_list.sort

    @property
    def album_list(self) -> AlbumList:
        return self.query_one("#albums", AlbumList)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter albums by title…", id="album-filter")
        yield Static(id="album-summary")
        yield AlbumList(id="albums")
        yield Static(id="backup-status")
        yield ModeBar()
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#album-filter", Input).cursor_blink = False  # no repaint traffic over SSH

    async def reload(self) -> None:
        """Read the kept album summaries and show them; a return to an unchanged catalog reads nothing.

        The reader's ``PRAGMA data_version`` moves whenever another connection (the app's writer, a
        job, another process) commits: the same number means the list on screen is current."""
        conn = self.catalog.reader
        version = await summaries.data_version(conn)
        if version == self._loaded_version:
            return
        # The catalog keeps these summaries current on every write: one small read for the
        # pseudo-albums and a count; the albums themselves are read a window at a time.
        sets = await summaries.item_sets(conn)
        everything = AlbumRow(0, "All items", ALL_ITEMS_KIND, *sets[summaries.ALL_ITEMS])
        self.album_list.pseudo = [everything, *await summaries.pseudo_albums(conn)]
        self._album_total = await windows.album_count(conn, [])
        self.loads += 1
        await self._show()
        # The backup line counts over the item sources and local files: after the list is on screen.
        self._load_backup_status()
        # Only now: a newer reload cancels this one at any await above, and must then redo it all
        # (recorded earlier, a cancelled load left the backup line empty for good).
        self._loaded_version = version

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

    async def _show(self) -> None:
        """The list as the filter and sort stand now; the cursor stays on its album when it is still listed."""
        album_list = self.album_list
        current = self.selected_album
        album_list.words = words = self.filter_words
        position = None if current is None else await album_list.position(current)
        await album_list.reload(0 if position is None else position)
        summary = f"{self._album_total:,} albums"
        if words:
            summary = f"{album_list.matching_albums:,} of {summary} match “{' '.join(words)}”"
        summary += f"  ·  sorted by {SORTS[self.sort]} (o)  ·  Enter opens"
        self.query_one("#album-summary", Static).update(summary)

    @work(group="albums-show", exclusive=True, exit_on_error=False, description="Filtering albums")
    async def _reshow(self) -> None:
        await self._show()

    @property
    def selected_album(self) -> AlbumRow | None:
        album_list = self.album_list
        row: AlbumRow | None = album_list.row_at(album_list.cursor)
        return row

    # -- filtering -------------------------------------------------------------

    def action_filter(self) -> None:
        self.add_class("-filtering")
        self.query_one("#album-filter", Input).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one("#album-filter", Input)
        filter_input.value = ""
        self.remove_class("-filtering")
        self.album_list.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._loaded_version is not None:
            self._reshow()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.album_list.focus()

    def action_sort(self) -> None:
        order = list(SORTS)
        self.album_list.sort = order[(order.index(self.sort) + 1) % len(order)]
        self._reshow()

    # -- opening -------------------------------------------------------------------

    def on_album_list_selected(self, event: AlbumList.Selected) -> None:
        self.action_open()

    def action_open(self) -> None:
        album = self.selected_album
        if album is not None:
            self.app.push_screen(AlbumItemsScreen(album))
