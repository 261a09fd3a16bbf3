"""A row list that stays instant at a million rows: the line-windowed rendering every long list uses.

Built on the Line API (as toolong's log view): ``virtual_size`` comes from the row count,
``render_line`` draws only visible rows, and rows arrive in windows fetched from the catalog by
workers of the widget. A placeholder row shows until its window lands; a window that fails shows
its error in its rows (and the app notifies), never an endless "loading…". At most
``MAX_WINDOWS`` windows are kept: nothing ever loads every row into the widget.

A subclass says what it lists: ``count_rows`` (the row count), ``fetch_rows`` (one window by
offset, with the previous window when it is known so a keyset walk can follow it),
``header_text`` and ``row_text`` (one line each). ``ItemList``, the Albums list and the
Duplicates group list are such subclasses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gphotos_tui.ui.context import AppAccess

WINDOW_ROWS = 200
MAX_WINDOWS = 64  # 12,800 rows cached at most


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    return text.ljust(width) if len(text) <= width else text[: max(0, width - 1)] + "…"


class WindowedList(AppAccess, ScrollView, can_focus=True, inherit_bindings=False):
    """Rows by windows, a row cursor, page and jump keys (not ScrollView's free scrolling in two
    directions); Highlighted/Selected messages.

    Subclasses declare their own ``Highlighted``/``Selected`` (subclassing these) so screens
    handle them by the subclass' name (``on_item_list_highlighted``...)."""

    DEFAULT_CSS = """
    WindowedList { overflow-x: hidden; background: $surface; }
    WindowedList > .windowed-list--header { text-style: bold; color: $text-accent; }
    WindowedList > .windowed-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    WindowedList:blur > .windowed-list--cursor { background: $block-cursor-blurred-background; }
    WindowedList > .windowed-list--pending { color: $text-muted; }
    WindowedList > .windowed-list--failed { color: $text-error; }
    """
    COMPONENT_CLASSES = {
        "windowed-list--header",
        "windowed-list--cursor",
        "windowed-list--pending",
        "windowed-list--failed",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]
    WINDOW_ROWS: ClassVar[int] = WINDOW_ROWS
    MAX_WINDOWS: ClassVar[int] = MAX_WINDOWS
    LOADING_WHAT: ClassVar[str] = "rows"

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to ``index`` (``row`` is None while its window is still loading)."""

        def __init__(self, source: WindowedList, index: int, row: Any) -> None:
            super().__init__()
            self.source = source
            self.index = index
            self.row = row

        @property
        def item_list(self) -> WindowedList:  # the name ItemList's handlers have always used
            return self.source

    class Selected(Highlighted):
        """Enter was pressed on a loaded row."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.row_count = 0
        self._windows: OrderedDict[int, Sequence[Any]] = OrderedDict()
        self._pending: set[int] = set()
        self._failed: dict[int, str] = {}  # window number -> why it could not be read (until a reload)
        self._generation = 0  # bumped by reload so late windows of an old state are dropped
        self.fetches = 0  # windows read (tests: what a return or a jump costs)

    # -- what a subclass provides ----------------------------------------------

    async def count_rows(self) -> int:
        raise NotImplementedError

    async def fetch_rows(self, offset: int, limit: int, previous: Sequence[Any] | None) -> Sequence[Any]:
        """``limit`` rows from ``offset`` on; ``previous`` is the full window just before, when loaded."""
        raise NotImplementedError

    def header_text(self, width: int) -> str:
        raise NotImplementedError

    def row_text(self, row: Any, width: int) -> str:
        raise NotImplementedError

    # -- data ----------------------------------------------------------------

    async def reload(self, cursor: int | None = None, count: int | None = None) -> None:
        """Re-count (unless ``count`` is given) and drop cached windows; ``cursor`` moves the cursor.

        The cursor's window is read before the switch, so the rows under the cursor show in the
        same frame as the new count (no "loading…" frame, no worker round trip for the first paint);
        the other visible rows follow by workers."""
        if count is None:
            count = await self.count_rows()
        target = max(0, min(self.cursor if cursor is None else cursor, count - 1))
        number = target // self.WINDOW_ROWS
        loaded: dict[int, Sequence[Any]] = {}
        if count:
            try:
                loaded[number] = await self.fetch_rows(number * self.WINDOW_ROWS, self.WINDOW_ROWS, None)
            except Exception:  # read again by a worker, whose failure is shown in the rows
                pass
        self.reset(count, target, loaded)

    def reset(self, count: int, cursor: int | None = None, loaded: dict[int, Sequence[Any]] | None = None) -> None:
        """Take ``count`` rows as the new state (with the windows already ``loaded``, by number): cached
        windows are dropped, late ones of the old state ignored."""
        self.row_count = count
        self._generation += 1
        self._windows.clear()
        self._pending.clear()
        self._failed.clear()
        if loaded:
            self._windows.update(loaded)
            self.fetches += len(loaded)
        self._update_virtual_size()
        self.cursor = max(0, min(self.cursor if cursor is None else cursor, count - 1))
        self.refresh()

    def row_at(self, index: int) -> Any:
        """The row at ``index`` if its window is loaded; asks for the window otherwise."""
        if not 0 <= index < self.row_count:
            return None
        number, offset = divmod(index, self.WINDOW_ROWS)
        rows = self._windows.get(number)
        if rows is None:
            if number not in self._failed:
                self._request(number)
            return None
        self._windows.move_to_end(number)
        return rows[offset] if offset < len(rows) else None

    def replace_row(self, index: int, row: Any) -> None:
        """Show ``row`` at ``index`` (a change this screen made) without reading its window again."""
        number, offset = divmod(index, self.WINDOW_ROWS)
        rows = self._windows.get(number)
        if rows is not None and offset < len(rows):
            rows = list(rows)
            rows[offset] = row
            self._windows[number] = rows
            self.refresh()

    @property
    def loaded_windows(self) -> int:
        return len(self._windows)

    @property
    def reading(self) -> bool:
        """Some window is being read."""
        return bool(self._pending)

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        self._pending.add(number)
        self.run_worker(
            self._fetch(number, self._generation),
            group=f"{self.LOADING_WHAT}-window-{number}",
            description=f"Loading {self.LOADING_WHAT}",
            exclusive=True,  # one read per window: a reset's read replaces a late one of the old state
            exit_on_error=False,
        )

    async def _fetch(self, number: int, generation: int) -> None:
        previous = self._windows.get(number - 1)
        if previous is not None and len(previous) != self.WINDOW_ROWS:
            previous = None
        try:
            rows = await self.fetch_rows(number * self.WINDOW_ROWS, self.WINDOW_ROWS, previous)
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
        self.fetches += 1
        self._windows[number] = rows
        while len(self._windows) > self.MAX_WINDOWS:
            self._windows.popitem(last=False)
        self.refresh()
        if number == self.cursor // self.WINDOW_ROWS:
            self.post_message(self.Highlighted(self, self.cursor, self.row_at(self.cursor)))

    # -- geometry and drawing ------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # one line is the header

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view(self.cursor)

    def _style(self, part: str) -> Any:
        return self.get_component_rich_style(f"windowed-list--{part}")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return Strip([Segment(fit(self.header_text(width), width), self._style("header"))], width)
        index = self.scroll_offset.y + y - 1
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        failed = self._failed.get(index // self.WINDOW_ROWS) if row is None else None
        if failed is not None:
            text, style = fit(f"  could not load: {failed}", width), self._style("failed")
        elif row is None:
            text, style = fit("  loading…", width), self._style("pending")
        else:
            text, style = fit(self.row_text(row, width), width), self.rich_style
        if index == self.cursor:
            style = style + self._style("cursor")
        return Strip([Segment(text, style)], width)

    # -- cursor ----------------------------------------------------------------------

    def _scroll_cursor_into_view(self, index: int) -> None:
        top = round(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + self._page_rows:
            self.scroll_to(y=index - self._page_rows + 1, animate=False, immediate=True)

    def watch_cursor(self, index: int) -> None:
        self._scroll_cursor_into_view(index)
        self.refresh()
        self.post_message(self.Highlighted(self, index, self.row_at(index)))

    def move_to(self, index: int) -> None:
        self.cursor = max(0, min(index, self.row_count - 1))

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self._page_rows)

    def action_jump(self, where: int) -> None:
        self.move_to(self.row_count - 1 if where < 0 else where)

    def action_select(self) -> None:
        row = self.row_at(self.cursor)
        if row is not None:
            self.post_message(self.Selected(self, self.cursor, row))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_to(round(self.scroll_offset.y) + event.y - 1)
