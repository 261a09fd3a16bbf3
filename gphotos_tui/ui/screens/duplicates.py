"""The Duplicates screen: a group list, the selected group side by side, decisions by keyboard."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState

from gphotos_tui import units
from gphotos_tui.analysis.duplicates import KINDS, DupItem, Group, Settings, scan
from gphotos_tui.analysis.duplicates.actions import write_plan
from gphotos_tui.analysis.duplicates.keeper import explain_keeper
from gphotos_tui.analysis.duplicates.preview import NoPreview, loader_cells
from gphotos_tui.analysis.duplicates.providers import loader_for
from gphotos_tui.analysis.duplicates.review_album import (
    LIBRARY_KINDS,
    NOT_ADDRESSABLE_WHY,
    ReviewAlbumError,
    ReviewPlan,
    create_review_album,
    default_title,
    explain,
    review_plan,
)
from gphotos_tui.analysis.duplicates.scan import hash_missing, is_writable, kept_group_pages
from gphotos_tui.analysis.duplicates.store import (
    count_without_hash,
    save_decisions,
    stored_group,
)
from gphotos_tui.analysis.duplicates.thumbnails import ThumbnailProvider
from gphotos_tui.catalog import dupe_groups, queries, summaries, windows
from gphotos_tui.catalog.windows import GroupLine
from gphotos_tui.engine.byte_sources import default_providers, provider_notes
from gphotos_tui.paths import locations
from gphotos_tui.ui.modals.confirm import ConfirmAccept
from gphotos_tui.ui.modals.link import LinkModal
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.mode_bar import ModeBar
from gphotos_tui.ui.widgets.preview import halfblock_text
from gphotos_tui.ui.widgets.windowed_list import WindowedList, fit

PREVIEW_COLS, PREVIEW_ROWS = 24, 8
ALL_GROUPS_PAGE = 1_000  # kept groups read at a time by the actions over every group ("A", "e", "g")
AUTO_HASH_LIMIT = 5_000  # catalogs with at most this many unhashed photos (the demo) hash when opened
KIND_WIDTH, ITEMS_WIDTH, DECIDED_WIDTH = 10, 5, 7


def group_columns(kind: str, items: str, decided: str, reason: str, width: int) -> str:
    """One line of the group list: class, member count, decided, why grouped (takes the slack)."""
    return fit(f"{fit(kind, KIND_WIDTH)}  {items.rjust(ITEMS_WIDTH)}  {fit(decided, DECIDED_WIDTH)}  {reason}", width)


def group_line(g: Group, first_taken: int = 0) -> GroupLine:
    """The list row of a group held in memory (a read-only catalog's groups)."""
    rank = KINDS.index(g.kind) if g.kind in KINDS else len(KINDS)
    return GroupLine(g.key, g.kind, g.reason, len(g.members), bool(g.decisions), rank, first_taken)


class GroupList(WindowedList, inherit_bindings=False):
    """The kept duplicate groups, a window at a time (tens of thousands at a million items):
    the catalog's rows, or a read-only catalog's groups held in ``memory``."""

    LOADING_WHAT = "groups"
    # The screen's keys stay the screen's: space toggles a member, g makes the review album.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    class Highlighted(WindowedList.Highlighted):
        """The cursor moved to the group ``row`` (None while its window is still loading)."""

    class Selected(Highlighted):
        """Enter was pressed on a loaded row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.memory: list[GroupLine] | None = None

    async def count_rows(self) -> int:
        if self.memory is not None:
            return len(self.memory)
        return await windows.shown_group_count(self.catalog.reader)

    async def fetch_rows(self, offset: int, limit: int, previous: Sequence[GroupLine] | None) -> list[GroupLine]:
        if self.memory is not None:
            return self.memory[offset : offset + limit]
        after = previous[-1] if previous else None
        return await windows.shown_group_window(self.catalog.reader, offset, limit, after=after)

    def header_text(self, width: int) -> str:
        return group_columns("Class", "Items", "Decided", "Why grouped", width)

    def row_text(self, row: GroupLine, width: int) -> str:
        return group_columns(row.kind, str(row.members), "yes" if row.decided else "", row.reason, width)


class DuplicatesScreen(CatalogScreen):
    """Duplicate groups of every class; decisions are stored in the catalog and survive rescans."""

    BINDING_GROUP_TITLE = "Duplicates"
    AUTO_FOCUS = "#dupes-groups"
    BINDINGS = [
        Binding("n", "next_group", "Next", id="dupes.next", tooltip="Next group"),
        Binding("p", "previous_group", "Prev", id="dupes.previous", tooltip="Previous group"),
        Binding("left,h", "member(-1)", "\u2190 member", id="dupes.left", show=False),
        Binding("right,l", "member(1)", "\u2192 member", id="dupes.right", show=False),
        Binding(
            "space",
            "toggle",
            "Toggle",
            key_display="\u2423",
            id="dupes.toggle",
            tooltip="Toggle keep/discard of the selected member",
        ),
        Binding("a", "accept", "Accept", id="dupes.accept", tooltip="Accept the suggestion for this group"),
        Binding(
            "x",
            "not_duplicates",
            "Not dup",
            id="dupes.not",
            tooltip="Mark this group as not duplicates (never shown again)",
        ),
        Binding(
            "A", "accept_class", "All", id="dupes.accept_class", tooltip="Accept every suggestion of this group's class"
        ),
        Binding(
            "o", "link", "Link", id="dupes.link", tooltip="Show the selected item's Google Photos link and QR code"
        ),
        Binding("e", "export", "Plan", id="dupes.export", tooltip="Write the discard plan as CSV and JSON"),
        Binding(
            "c",
            "hash",
            "Hash",
            id="dupes.hash",
            tooltip="Compute perceptual hashes of photos that have none (press again to stop; finished hashes are kept)",
        ),
        Binding(
            "g",
            "review_album",
            "Album",
            id="dupes.album",
            tooltip="Put the discards into a new Google Photos album to review (photos this app uploaded only)",
        ),
        Binding(
            "r",
            "rebuild",
            "Regroup",
            id="dupes.rescan",
            tooltip="Group the whole library again (otherwise only what changed is regrouped)",
        ),
    ]

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.member_index = 0
        self._scanned_items: tuple[int | None, int] | None = None  # (items, data_version) of the last scan
        self.scans = 0  # groups brought up to date and shown (tests: a return to an unchanged catalog adds none)
        self._previews: dict[int, Text] = {}
        self._generation = 0
        self._progress_text = "Looking for duplicates\u2026"
        self._summary_text = ""
        self._unhashed = 0
        self._auto_hashed_at: int | None = None  # the item count the last automatic hashing started at
        self._auto_hash_stopped = False  # the user stopped a hashing: no more automatic ones
        self._hashing: Worker[Any] | None = None
        self.shown = 0  # group lists put on screen with their first rows (the benchmark's "content shown")
        self._awaiting_rows = False  # the list was reset: the next rows on screen count as "shown"
        self._memory: dict[str, Group] | None = None  # a read-only catalog's groups (grouped in memory)
        self._group: Group | None = None  # the group under the cursor, with its members (read by _load_group)
        self._group_key: str | None = None  # the list row ``_group`` was read for
        self._group_shown = asyncio.Event()  # set when the group under the cursor is on screen after a reset
        self._previews_worker: Worker[None] | None = None

    def _card_id(self, item_id: int) -> str:
        return f"member-{self._generation}-{item_id}"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Looking for duplicates\u2026", id="dupes-status")
        yield GroupList(id="dupes-groups")
        with VerticalScroll(id="dupes-detail"):
            yield Static(id="dupes-reason")
            yield Horizontal(id="dupes-members")
        yield ModeBar()
        yield SteadyFooter(compact=True)

    # -- scanning ---------------------------------------------------------------

    @property
    def group_list(self) -> GroupList:
        return self.query_one("#dupes-groups", GroupList)

    @property
    def group(self) -> Group | None:
        """The group under the cursor, once its members are read (None while they are being read)."""
        group_list = self.group_list
        line = group_list.row_at(group_list.cursor)
        if line is None or self._group is None or self._group_key != line.key:
            return None
        return self._group

    async def reload(self) -> None:
        """Regroup when the catalog changed since the last scan; a return to an unchanged catalog reads nothing.

        The item count comes from the catalog's kept summaries (one row, not a count of a million
        items), and the catalog's own change counter catches edits that keep the count."""
        reader = self.catalog.reader
        state = (await summaries.all_items_count(reader), await summaries.data_version(reader))
        if state != self._scanned_items:
            self._scanned_items = state
            self.action_rescan()

    def action_rescan(self, rebuild: bool = False) -> None:
        self._scan(rebuild)

    def action_rebuild(self) -> None:
        """The rebuild key: every group found again from scratch (stored groups are otherwise kept)."""
        self.action_rescan(rebuild=True)

    def work_failed(self, worker: Worker[Any]) -> None:
        """No "grouping…" or "hashing…" left on screen after a failure: say what failed instead."""
        if worker.group in ("duplicates", "dupes-hash"):
            what = "grouping" if worker.group == "duplicates" else "hashing"
            status = f"{what} failed: {worker.error}"
            self.query_one("#dupes-status", Static).update(
                f"{self._summary_text} \u00b7 {status}" if self._summary_text else status
            )

    @work(group="duplicates", exclusive=True, exit_on_error=False, description="Grouping duplicates")
    async def _scan(self, rebuild: bool = False) -> None:
        """Bring the kept groups up to date (only what changed is regrouped) and show them."""
        status = self.query_one("#dupes-status", Static)
        if not self.hashing:
            status.update("grouping\u2026")
        catalog = self.catalog
        if not is_writable(catalog):  # a read-only catalog keeps no groups: grouped in memory
            result = await scan(catalog, self.settings, rebuild=rebuild)
            self._memory = {g.key: g for g in result.groups}
            self.group_list.memory = [group_line(g) for g in result.groups]
            await self._show_groups()
            counts = dict.fromkeys(KINDS, 0)
            for g in result.groups:
                counts[g.kind] = counts.get(g.kind, 0) + 1
            self._summary_text = self._summary(result.items, result.hidden, counts)
        else:
            reader = catalog.reader
            # The groups the catalog keeps are on screen at once; the update (seconds at a million
            # items, on the writer) follows, and the list is shown again as it left them.
            if not rebuild and await windows.groups_kept(reader):
                await self._show_groups()
            await scan(catalog, self.settings, rebuild=rebuild, load_groups=False)
            # The update wrote the kept groups: the catalog's change counter as it stands now is "seen".
            if self._scanned_items is not None:
                self._scanned_items = (self._scanned_items[0], await summaries.data_version(reader))
            await self._show_groups()
            await self._after_group_shown()
            # The counts of every group, from the kept groups and the decisions (not read group by group),
            # and the items from the kept summaries (not a count over the items).
            sets = await summaries.item_sets(reader)
            items = sets[summaries.ALL_ITEMS][0] - sets["trash"][0]
            counts, hidden = await dupe_groups.read_shown_group_counts(reader)
            self._summary_text = self._summary(items, hidden, counts)
        if not self.hashing:
            status.update(self._summary_text)
        self.scans += 1
        # Counting the photos without a hash reads the whole library: after the groups are on screen.
        self._unhashed = await count_without_hash(catalog.reader)
        if not self.hashing:
            status.update(self._status())
        # Small catalogs (the demo) hash by themselves, once per item count (unreadable photos stay
        # unhashed: no loop); big ones wait for the user's "c".
        if (
            0 < self._unhashed <= AUTO_HASH_LIMIT
            and self._auto_hashed_at != (self._scanned_items or (None,))[0]
            and not self._auto_hash_stopped
            and not self.hashing
            and is_writable(catalog)
        ):
            self._auto_hashed_at = (self._scanned_items or (None,))[0]
            self._hashing = self._hash(quiet=True)

    async def _after_group_shown(self) -> None:
        """Wait (a few seconds at most) until the group under the cursor and its previews are on screen:
        the reader connection serves one query at a time, so the counts over the library come after."""
        if not self.group_list.row_count:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._group_shown.wait(), 5)
        previews = self._previews_worker
        if previews is not None and not previews.is_finished:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(previews.wait(), 5)

    @property
    def hashing(self) -> bool:
        return self._hashing is not None and self._hashing.state in (WorkerState.PENDING, WorkerState.RUNNING)

    def _status(self) -> str:
        if not self._unhashed:
            return self._summary_text
        return f"{self._summary_text} \u00b7 {self._unhashed:,} photos without a hash: press c to hash them"

    def action_hash(self) -> None:
        """Start hashing the photos without a hash, or stop a running hashing (what finished is kept)."""
        if self.hashing:
            self._auto_hash_stopped = True
            assert self._hashing is not None  # self.hashing says it runs
            self._hashing.cancel()
            return
        if not is_writable(self.catalog):
            self.notify("the catalog is open read-only: hashes cannot be stored", severity="warning")
            return
        self._hashing = self._hash()

    @work(group="dupes-hash", exclusive=True, exit_on_error=False, description="Hashing photos")
    async def _hash(self, quiet: bool = False) -> None:
        status = self.query_one("#dupes-status", Static)
        self._progress_text = "hashing\u2026 (c to stop)"

        def progress(_stage: str, done: int, total: int) -> None:
            self._progress_text = (
                f"hashing {done:,} of {total:,} photos \u00b7 press c to stop (finished hashes are kept)"
            )

        # Only a keypress spends Google quota: the automatic hashing uses local bytes alone.
        thumbs = None if quiet else await self._thumbnail_provider()
        timer = self.set_interval(0.25, lambda: status.update(self._progress_text))
        try:
            providers = [*default_providers(), *([thumbs] if thumbs else [])]
            hashed, errors = await hash_missing(self.catalog, providers, progress=progress)
        except asyncio.CancelledError:
            self.notify("hashing stopped; the hashes computed so far are stored")
            self.call_later(self.action_rescan)
            raise
        finally:
            timer.stop()
            if thumbs is not None:
                await thumbs.aclose()
        for note in provider_notes(providers):  # e.g. Takeout parts that moved: said even by the automatic hashing
            self.notify(note, severity="warning", timeout=20)
        unreadable = f"; {len(errors):,} could not be read ({errors[0]})" if errors else ""
        if errors or not quiet:  # the automatic hashing of a small catalog only speaks up about problems
            self.notify(f"hashed {hashed:,} photos{unreadable}", severity="warning" if errors else "information")
        if thumbs is not None and (thumbs.report.requested or thumbs.report.skipped):
            self.notify(
                thumbs.report.one_line(), severity="warning" if thumbs.report.stopped else "information", timeout=20
            )
        self.action_rescan()

    async def _thumbnail_provider(self) -> ThumbnailProvider | None:
        """Thumbnails from Google for Library API items, when the catalog has any and Google is reachable."""
        if not await queries.has_source_kind(self.catalog.reader, "library"):
            return None
        try:
            library, _picker, usage = self.gphotos.google.clients(self.catalog)
        except Exception as exc:  # not signed in, no client secret, ...
            self.notify(
                f"hashing local copies only: thumbnails need Google ({exc}); sign in with `gphotos-tui auth`",
                severity="warning",
                timeout=15,
            )
            return None
        return ThumbnailProvider(library, library.client.caller.tokens, usage)

    async def _show_groups(self) -> None:
        """Show the group list as the kept groups stand now: a count, then only the windows on screen
        are read (``GroupList``). The cursor stays on its group when the group is still listed, on
        its row otherwise; the group's members are read after the rows are on screen."""
        group_list = self.group_list
        position = None
        if self._group_key is not None:
            if self._memory is not None:
                keys = [line.key for line in group_list.memory or []]
                position = keys.index(self._group_key) if self._group_key in keys else None
            else:
                position = await windows.shown_group_position(self.catalog.reader, self._group_key)
        self._awaiting_rows = True
        self._group_shown.clear()
        await group_list.reload(group_list.cursor if position is None else position)
        if group_list.row_count == 0:
            self._set_group(None, None)
            self._awaiting_rows = False
            self.shown += 1

    async def all_groups(self) -> list[Group]:
        """Every shown group with its members, in the list's order: what the actions over every group
        ("A", "e", "g") need; read a page at a time, only when such a key is pressed."""
        if self._memory is not None:
            return [self._memory[line.key] for line in self.group_list.memory or [] if line.key in self._memory]
        reader = self.catalog.reader
        if self.group_list.row_count > ALL_GROUPS_PAGE:
            self.notify("reading every group\u2026")
        groups: list[Group] = []
        async for page in kept_group_pages(reader, ALL_GROUPS_PAGE):  # by position: deep pages cost no more
            groups.extend(page)
        return groups

    def _summary(self, items: int, hidden: int, kept: dict[str, int]) -> str:
        counts = dict.fromkeys(KINDS, 0)
        counts.update(kept)
        shown = ", ".join(f"{k} {n:,}" for k, n in counts.items() if n)
        return (
            f"{sum(counts.values()):,} groups ({shown or 'none'}) \u00b7 {items:,} items \u00b7 "
            f"{hidden:,} hidden as not duplicates"
        )

    def _refresh_row(self) -> None:
        """The list row of the group under the cursor as this screen just changed it (no window reread)."""
        g, group_list = self.group, self.group_list
        line = group_list.row_at(group_list.cursor)
        if g is not None and line is not None:
            group_list.replace_row(group_list.cursor, line._replace(decided=bool(g.decisions)))

    # -- the selected group -------------------------------------------------------

    def on_group_list_highlighted(self, event: GroupList.Highlighted) -> None:
        line: GroupLine | None = event.row
        if line is None:  # its window is being read: the highlight comes again when it lands
            return
        if self._awaiting_rows:
            self._awaiting_rows = False
            self.shown += 1
        self.member_index = 0
        self._load_group(line)

    @work(group="dupes-group", exclusive=True, exit_on_error=False, description="Reading the group")
    async def _load_group(self, line: GroupLine) -> None:
        """Read the members of the group under the cursor (after the list is on screen), then show them."""
        if self._memory is not None:
            g = self._memory.get(line.key)
        else:
            g = await stored_group(self.catalog.reader, line.key)
        group_list = self.group_list
        current = group_list.row_at(group_list.cursor)
        if current is None or current.key != line.key:
            return  # the cursor moved on: its own read follows
        self._set_group(g, line.key)

    def _set_group(self, g: Group | None, key: str | None) -> None:
        shown = self._group
        self._group, self._group_key = g, key
        self._group_shown.set()
        if (
            g is not None
            and shown is not None
            and (g.key, g.decisions, g.keep) == (shown.key, shown.decisions, shown.keep)
            and self.query(".member")
        ):
            self._repaint()  # the same group read again (the list was shown again): its cards stay
            return
        self._show_group()

    def _show_group(self) -> None:
        g = self.group
        reason = self.query_one("#dupes-reason", Static)
        members = self.query_one("#dupes-members", Horizontal)
        members.remove_children()  # completes later: new cards get fresh ids
        self._generation += 1
        if g is None:
            if self.group_list.row_count == 0:
                reason.update("No duplicate groups.")
            elif self._group_key is not None:
                reason.update("This group changed since it was listed (its items moved or left); r regroups.")
            else:
                reason.update("")
            return
        reason.update(
            Text.assemble((f"{g.kind}: ", "bold"), g.reason, "\n", ("suggestion: ", "bold"), explain_keeper(g))
        )
        cards = []
        for index, m in enumerate(g.members):
            card = Static(self._card(g, m), classes="member", id=self._card_id(m.id))
            card.set_class(index == self.member_index, "-selected")
            card.set_class(g.decision(m.id) == "discard", "-discard")
            cards.append(card)
        members.mount_all(cards)
        self._previews_worker = self._load_previews(g)

    def _card(self, g: Group, m: DupItem) -> Text:
        decided = g.decision(m.id)
        mark = "KEEP" if decided == "keep" else "discard"
        note = "" if m.id not in g.decisions else " (yours)"
        taken = dt.datetime.fromtimestamp(m.taken_at, dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if m.taken_at else "?"
        size = units.size_bytes(m.size_bytes, fixed=True) if m.size_bytes else "?"
        fmt = m.filename.rpartition(".")[2].upper() or (m.mime_type or "?")
        text = Text()
        text.append(f"{mark}{note}\n", "bold green" if decided == "keep" else "bold red")
        text.append_text(self._previews.get(m.id, Text("\n" * (PREVIEW_ROWS - 1))))
        text.append(f"\n{m.filename}\n", "bold")
        text.append(f"{m.width or '?'}\u00d7{m.height or '?'}  {size}  {fmt}\n")
        text.append(f"{m.camera or 'no camera'}\n{taken} UTC\n")
        favourite = "  \u2605 favourite" if m.favorite else ""
        text.append(f"albums {m.albums}{favourite}\nsource: {m.public_id.split(':')[0]}")
        if m.product_url:
            text.append("\n")
            text.append("open in Google Photos", Style(link=m.product_url, underline=True))
        return text

    @work(group="dupes-preview", exclusive=True, exit_on_error=False, description="Previews")
    async def _load_previews(self, g: Group) -> None:
        conn = self.catalog.reader
        for m in g.members:
            if m.id in self._previews:
                continue
            job = await loader_for(conn, m.id, default_providers())
            if job is None:
                self._previews[m.id] = Text("(no local bytes)\n" + "\n" * (PREVIEW_ROWS - 2))
            else:
                try:
                    cells = await asyncio.to_thread(loader_cells, job.load, PREVIEW_COLS, PREVIEW_ROWS, m.filename)
                    self._previews[m.id] = halfblock_text(cells)
                except NoPreview as exc:  # e.g. a HEIC without a JPEG preview: say why, in the picture's place
                    self._previews[m.id] = Text(f"(no preview: {exc.short})\n" + "\n" * (PREVIEW_ROWS - 2))
                except Exception as exc:  # a broken file shows its error instead of a picture
                    self._previews[m.id] = Text(f"(no preview: {type(exc).__name__})\n" + "\n" * (PREVIEW_ROWS - 2))
            if self.group is g:
                for card in self.query(f"#{self._card_id(m.id)}").results(Static):
                    card.update(self._card(g, m))

    def _repaint(self) -> None:
        g = self.group
        if g is None:
            return
        for index, m in enumerate(g.members):
            for card in self.query(f"#{self._card_id(m.id)}").results(Static):
                card.update(self._card(g, m))
                card.set_class(index == self.member_index, "-selected")
                card.set_class(g.decision(m.id) == "discard", "-discard")
        self._refresh_row()

    # -- keys ---------------------------------------------------------------------

    def action_next_group(self) -> None:
        self.group_list.action_cursor(1)

    def action_previous_group(self) -> None:
        self.group_list.action_cursor(-1)

    def action_member(self, step: int) -> None:
        g = self.group
        if g:
            self.member_index = (self.member_index + step) % len(g.members)
            self._repaint()

    async def action_toggle(self) -> None:  # type: ignore[override]  # the "toggle" key, not DOMNode's
        g = self.group
        if g is None:
            return
        m = g.members[self.member_index]
        decisions = {x.id: g.decision(x.id) for x in g.members}
        decisions[m.id] = "discard" if decisions[m.id] == "keep" else "keep"
        await self._decide(g, decisions)

    async def action_accept(self) -> None:
        g = self.group
        if g:
            await self._decide(g, {m.id: g.suggested(m.id) for m in g.members})

    async def action_not_duplicates(self) -> None:
        g = self.group
        if g is None:
            return
        if not await self._save(g.key, {m.id: "not_duplicate" for m in g.members}):
            return
        await self._show_groups()  # the group leaves the list; the cursor stays on its row (the next group)
        self.notify(f"{g.kind} group marked as not duplicates; it will not come back")

    async def action_accept_class(self) -> None:
        g = self.group
        if g is None:
            return
        kind = g.kind
        pending = [x for x in await self.all_groups() if x.kind == kind and not x.decisions]
        discards = sum(1 for x in pending for m in x.members if x.suggested(m.id) == "discard")

        async def answered(yes: bool | None) -> None:
            if yes:
                for x in pending:
                    if not await self._decide(x, {m.id: x.suggested(m.id) for m in x.members}, repaint=False):
                        await self._show_groups()  # what was stored before the refusal
                        return
                await self._show_groups()  # the rows' "decided" as stored now
                self.notify(f"accepted {len(pending)} {kind} groups ({discards} discards)")

        self.app.push_screen(
            ConfirmAccept(
                f"Accept the suggestion for all {len(pending):,} undecided {kind} groups?\n"
                f"{discards:,} items would be marked discard (nothing is deleted)."
            ),
            answered,
        )

    async def _decide(self, g: Group, decisions: dict[int, str], repaint: bool = True) -> bool:
        if not await self._save(g.key, decisions):
            return False
        g.decisions = decisions
        if repaint:
            self._repaint()
        return True

    async def _save(self, key: str, decisions: dict[int, str]) -> bool:
        """Write the decisions holding the catalog lock, as every writer does (issue 11); False, after the
        app's notification, when another run holds it."""
        lock = self.gphotos.lock_for_write("duplicate decisions")
        if lock is None:
            return False
        try:
            await save_decisions(self.catalog.writer, key, decisions)
        finally:
            lock.release()
        return True

    def action_link(self) -> None:
        g = self.group
        if g is None:
            return
        m = g.members[self.member_index]
        if not m.product_url:
            self.notify("this item has no Google Photos link", severity="warning")
            return
        self.app.push_screen(LinkModal(m.filename, m.product_url))

    async def action_review_album(self) -> None:
        """Ask, then create a Google Photos album of the discards the Library API can address."""
        groups = await self.all_groups()
        google = self.gphotos.google
        # The demo's fake Google serves the demo library itself, so there its ids count as the app's own.
        kinds = LIBRARY_KINDS + (("demo",) if google.demo_size is not None else ())
        plan = await review_plan(self.catalog.reader, groups, kinds)
        if not plan.media_ids:
            self.notify(f"no album: {plan.describe()}", severity="warning", timeout=15)
            return
        title = default_title()
        message = f'Create the Google Photos album "{title}" with {len(plan.media_ids):,} discards to review?'
        if plan.not_addressable:
            message += f"\n\n{plan.not_addressable:,} other discards cannot be added: {NOT_ADDRESSABLE_WHY}"

        def answered(yes: bool | None) -> None:
            if yes:
                self._make_album(plan, title)

        self.app.push_screen(ConfirmAccept(message), answered)

    @work(group="dupes-album", exclusive=True, exit_on_error=False, description="Review album")
    async def _make_album(self, plan: ReviewPlan, title: str) -> None:
        try:
            library, _picker, usage = self.gphotos.google.clients(self.catalog)
        except Exception as exc:  # not signed in, no client secret, ...
            self.notify(explain(exc, "sign in"), severity="error", timeout=20)
            return
        self.notify(f'creating the album "{title}"\u2026')
        try:
            album = await create_review_album(library, title, plan)
        except ReviewAlbumError as exc:
            self.notify(str(exc), severity="error", timeout=20)
            return
        finally:
            await usage.flush()
        self.notify(album.describe(), timeout=20)

    async def action_export(self) -> None:
        self._export(await self.all_groups())

    @work(thread=True, group="dupes-export", exclusive=True, exit_on_error=False, description="Writing the plan")
    def _export(self, groups: list[Group]) -> None:
        """Write the discard plan off the UI thread (a big plan is megabytes)."""
        self.post_message(self.PlanWritten(write_plan(groups, locations().data_dir)))

    class PlanWritten(Message, bubble=False):
        """The discard plan is on disk in ``folder``."""

        def __init__(self, folder: Path) -> None:
            super().__init__()
            self.folder = folder

    def on_duplicates_screen_plan_written(self, message: PlanWritten) -> None:
        self.notify(f"plan written to {message.folder}/duplicates-plan.{{json,csv}}")
