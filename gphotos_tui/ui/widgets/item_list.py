"""A list of catalog items that stays instant at a million rows.

Built on the Line API (as toolong's log view): ``virtual_size`` comes from
the row count, ``render_line`` draws only visible rows, and rows arrive in
windows fetched from the catalog by a worker (keyset on capture time when
the previous window is known, an offset jump otherwise). A placeholder row
shows until its window lands. Nothing ever loads every row into the widget.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gphotos_tui.catalog import queries
from gphotos_tui.catalog.queries import ItemRow
from gphotos_tui.ui.context import AppAccess
from gphotos_tui.ui.format import human_size, utc_datetime

WINDOW_ROWS = 200
MAX_WINDOWS = 64  # 12,800 rows cached at most
TAKEN_WIDTH, CAMERA_WIDTH, SIZE_WIDTH = 16, 22, 9


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text.ljust(width) if len(text) <= width else text[: max(0, width - 1)] + "…"


def format_columns(mark: str, name: str, taken: str, camera: str, size: str, width: int) -> str:
    """One line: mark, filename (takes the slack), capture time, camera, size."""
    camera_width = CAMERA_WIDTH if width >= 70 else 0
    fixed = 2 + TAKEN_WIDTH + 2 + SIZE_WIDTH + (camera_width + 2 if camera_width else 0)
    name_width = max(8, width - fixed - 2)
    parts = [mark[:1].ljust(1), " ", _fit(name, name_width), "  ", _fit(taken, TAKEN_WIDTH)]
    if camera_width:
        parts += ["  ", _fit(camera, camera_width)]
    parts += ["  ", size.rjust(SIZE_WIDTH)]
    return _fit("".join(parts), width)


def format_item(row: ItemRow, width: int) -> str:
    mark = "*" if row.favorite else ("v" if row.media_type == "video" else " ")
    camera = queries.camera_label(row.camera_make, row.camera_model) if row.camera_model else "—"
    return format_columns(mark, row.filename, utc_datetime(row.taken_at), camera, human_size(row.size_bytes), width)


class ItemList(AppAccess, ScrollView, can_focus=True):
    """Items of one album (or of the whole catalog when ``album_id`` is None), by capture time.

    Rows arrive in windows fetched by workers of this widget; a window that fails to load shows
    its error in its rows (and the app notifies), never an endless "loading…".
    """

    DEFAULT_CSS = """
    ItemList { overflow-x: hidden; background: $surface; }
    ItemList > .item-list--header { text-style: bold; color: $text-accent; }
    ItemList > .item-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    ItemList:blur > .item-list--cursor { background: $block-cursor-blurred-background; }
    ItemList > .item-list--pending { color: $text-muted; }
    ItemList > .item-list--failed { color: $text-error; }
    """
    COMPONENT_CLASSES = {"item-list--header", "item-list--cursor", "item-list--pending", "item-list--failed"}
    INHERIT_BINDINGS = False  # a row cursor, not free scrolling in two directions
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to ``row`` (None while its window is still loading)."""

        def __init__(self, item_list: ItemList, index: int, row: ItemRow | None) -> None:
            super().__init__()
            self.item_list = item_list
            self.index = index
            self.row = row

    class Selected(Highlighted):
        """Enter was pressed on a loaded row."""

    def __init__(self, album_id: int | str | None = None, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.album_id = album_id
        self.row_count = 0
        self._windows: OrderedDict[int, list[ItemRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._failed: dict[int, str] = {}  # window number -> why it could not be read (until a reload)
        self._generation = 0  # bumped by reload so late windows of an old catalog state are dropped
        self._dense = False

    # -- data ----------------------------------------------------------------

    async def reload(self) -> None:
        """Re-count and drop cached windows; visible rows are fetched again."""
        conn = self.catalog.reader
        self.row_count = await queries.item_count(conn, self.album_id)
        # An album holding a good share of the catalog is walked along the date index.
        self._dense = self.album_id is not None and self.row_count * 50 >= await queries.item_count(conn)
        self._generation += 1
        self._windows.clear()
        self._pending.clear()
        self._failed.clear()
        self._update_virtual_size()
        self.cursor = min(self.cursor, max(0, self.row_count - 1))
        self.refresh()

    def row_at(self, index: int) -> ItemRow | None:
        """The row at ``index`` if its window is loaded; asks for the window otherwise."""
        if not 0 <= index < self.row_count:
            return None
        number, offset = divmod(index, WINDOW_ROWS)
        rows = self._windows.get(number)
        if rows is None:
            if number not in self._failed:
                self._request(number)
            return None
        self._windows.move_to_end(number)
        return rows[offset] if offset < len(rows) else None

    @property
    def loaded_windows(self) -> int:
        return len(self._windows)

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        self._pending.add(number)
        self.run_worker(
            self._fetch(number, self._generation),
            group="item-window",
            description="Loading items",
            exit_on_error=False,
        )

    async def _fetch(self, number: int, generation: int) -> None:
        previous = self._windows.get(number - 1)
        after = previous[-1].sort_key if previous and len(previous) == WINDOW_ROWS else None
        try:
            rows = await queries.item_window(
                self.catalog.reader,
                self.album_id,
                offset=number * WINDOW_ROWS,
                limit=WINDOW_ROWS,
                after=after,
                total=self.row_count,
                dense=self._dense,
            )
        except Exception as exc:
            if generation == self._generation:
                self._failed[number] = f"{type(exc).__name__}: {exc}"
                self.refresh()
            raise  # the worker fails: the app notifies (AppAccess)
        finally:
            if generation == self._generation:
                self._pending.discard(number)
        if generation != self._generation:
            return
        self._windows[number] = rows
        while len(self._windows) > MAX_WINDOWS:
            self._windows.popitem(last=False)
        self.refresh()
        if number == self.cursor // WINDOW_ROWS:
            self.post_message(self.Highlighted(self, self.cursor, self.row_at(self.cursor)))

    # -- geometry and drawing ------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # one line is the header

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = format_columns(" ", "Filename", "Taken (UTC)", "Camera", "Size", width)
            return Strip([Segment(header, self.get_component_rich_style("item-list--header"))], width)
        index = self.scroll_offset.y + y - 1
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        failed = self._failed.get(index // WINDOW_ROWS) if row is None else None
        if failed is not None:
            text = _fit(f"  could not load: {failed}", width)
            style = self.get_component_rich_style("item-list--failed")
        elif row is None:
            text, style = _fit("  loading…", width), self.get_component_rich_style("item-list--pending")
        else:
            text, style = format_item(row, width), self.rich_style
        if index == self.cursor:
            style = style + self.get_component_rich_style("item-list--cursor")
        return Strip([Segment(text, style)], width)

    # -- cursor ----------------------------------------------------------------------

    def watch_cursor(self, index: int) -> None:
        top = round(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + self._page_rows:
            self.scroll_to(y=index - self._page_rows + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, index, self.row_at(index)))

    def _move_to(self, index: int) -> None:
        self.cursor = max(0, min(index, self.row_count - 1))

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * self._page_rows)

    def action_jump(self, where: int) -> None:
        self._move_to(self.row_count - 1 if where < 0 else where)

    def action_select(self) -> None:
        row = self.row_at(self.cursor)
        if row is not None:
            self.post_message(self.Selected(self, self.cursor, row))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._move_to(round(self.scroll_offset.y) + event.y - 1)
