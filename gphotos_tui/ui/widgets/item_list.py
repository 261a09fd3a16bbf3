"""A list of catalog items that stays instant at a million rows.

A ``WindowedList``: rows arrive in windows fetched from the catalog by workers (keyset on
capture time when the previous window is known, an offset jump otherwise); only visible
rows are drawn and nothing ever loads every row into the widget.
"""

from __future__ import annotations

from collections.abc import Sequence

from gphotos_tui.catalog import queries
from gphotos_tui.catalog.queries import ItemRow
from gphotos_tui.ui.format import human_size, utc_datetime
from gphotos_tui.ui.widgets.windowed_list import MAX_WINDOWS, WINDOW_ROWS, WindowedList, fit

__all__ = ["MAX_WINDOWS", "WINDOW_ROWS", "ItemList", "format_columns", "format_item"]

TAKEN_WIDTH, CAMERA_WIDTH, SIZE_WIDTH = 16, 22, 9
_fit = fit


def format_columns(mark: str, name: str, taken: str, camera: str, size: str, width: int) -> str:
    """One line: mark, filename (takes the slack), capture time, camera, size."""
    camera_width = CAMERA_WIDTH if width >= 70 else 0
    fixed = 2 + TAKEN_WIDTH + 2 + SIZE_WIDTH + (camera_width + 2 if camera_width else 0)
    name_width = max(8, width - fixed - 2)
    parts = [mark[:1].ljust(1), " ", fit(name, name_width), "  ", fit(taken, TAKEN_WIDTH)]
    if camera_width:
        parts += ["  ", fit(camera, camera_width)]
    parts += ["  ", size.rjust(SIZE_WIDTH)]
    return fit("".join(parts), width)


def format_item(row: ItemRow, width: int) -> str:
    mark = "*" if row.favorite else ("v" if row.media_type == "video" else " ")
    camera = queries.camera_label(row.camera_make, row.camera_model) if row.camera_model else "—"
    return format_columns(mark, row.filename, utc_datetime(row.taken_at), camera, human_size(row.size_bytes), width)


class ItemList(WindowedList):
    """Items of one album (or of the whole catalog when ``album_id`` is None), by capture time."""

    LOADING_WHAT = "items"

    class Highlighted(WindowedList.Highlighted):
        """The cursor moved to ``row`` (None while its window is still loading)."""

    class Selected(Highlighted):
        """Enter was pressed on a loaded row."""

    def __init__(self, album_id: int | str | None = None, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.album_id = album_id
        self._dense = False

    async def count_rows(self) -> int:
        conn = self.catalog.reader
        count = await queries.item_count(conn, self.album_id)
        # An album holding a good share of the catalog is walked along the date index.
        self._dense = self.album_id is not None and count * 50 >= await queries.item_count(conn)
        return count

    async def fetch_rows(self, offset: int, limit: int, previous: Sequence[ItemRow] | None) -> list[ItemRow]:
        return await queries.item_window(
            self.catalog.reader,
            self.album_id,
            offset=offset,
            limit=limit,
            after=previous[-1].sort_key if previous else None,
            total=self.row_count,
            dense=self._dense,
        )

    def header_text(self, width: int) -> str:
        return format_columns(" ", "Filename", "Taken (UTC)", "Camera", "Size", width)

    def row_text(self, row: ItemRow, width: int) -> str:
        return format_item(row, width)
