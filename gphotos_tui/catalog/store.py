"""The catalog: one SQLite file, one long-lived writer connection.

Every write arrives as a batch (an API page, a slice of a Takeout archive)
and is applied in one transaction together with the checkpoint that says
where the source stopped, so an interrupted run resumes without losing or
duplicating anything. Identities are resolved for a whole batch in two
indexed queries; new items are then inserted and known ones merged with one
executemany each, all in a single call on the writer thread.
"""

from __future__ import annotations

import json
import operator
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from gphotos_tui.catalog.schema import (
    ITEM_SETS,
    MIGRATIONS,
    SCHEMA_VERSION,
    count_new_items_sql,
    count_new_members_sql,
)
from gphotos_tui.model import (
    MEDIA_FIELDS,
    AlbumRecord,
    Checkpoint,
    MediaRecord,
    Membership,
    SourceKind,
    match_key,
)

T = TypeVar("T")


async def _connect(path: Path) -> aiosqlite.Connection:
    """An aiosqlite connection whose thread cannot keep the process alive.

    aiosqlite's worker thread is not a daemon: a connection that some failure
    left unclosed would hang interpreter exit forever. SQLite's journal makes
    dying mid-transaction safe (the kill -9 tests prove it), so a daemon
    thread is the right trade.
    """
    conn = aiosqlite.connect(path, isolation_level=None)
    thread = getattr(conn, "_thread", None)
    if thread is not None:
        thread.daemon = True
    await conn
    try:
        await _configure(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


class CatalogError(Exception):
    """A catalog that cannot be opened or written, explained for people."""


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    kind: SourceKind
    ref: str
    label: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-65536",  # 64 MiB
    "PRAGMA busy_timeout=10000",
)
READER_CACHE = "PRAGMA cache_size=-16384"  # 16 MiB

# Item columns a source may fill in; a None never erases what another source knew.
_MERGED: tuple[str, ...] = tuple(f for f in MEDIA_FIELDS if f not in ("external_id", "detail"))
_values = operator.attrgetter(*_MERGED)
_NAN = float("nan")
# CPython's sqlite3 binds None and bool through its slow adapter lookup (~1 us
# each); NaN binds as NULL and ints as themselves at a fraction of that.
# Used as ``map(_BINDABLE.get, values, values)``; 1.0 -> 1 is harmless, the
# column affinity stores the same value.
_BINDABLE: dict[Any, Any] = {None: _NAN, True: 1, False: 0}
_bindable = _BINDABLE.get

_INSERT_ITEM_COLUMNS = ", ".join(_MERGED)
# NOT NULL columns with a default: an unknown (NULL) value takes the default.
_DEFAULTS = {"media_type": "'photo'", "favorite": "0", "archived": "0", "trashed": "0"}
_INSERT_ITEM_VALUES = ", ".join(f"coalesce(?, {_DEFAULTS[c]})" if c in _DEFAULTS else "?" for c in _MERGED)
_UPDATE_ITEM = (
    # ?1 = id, ?2 = match key, ?3 = now, ?4... = values (NULL: keep what is known).
    "UPDATE items SET "
    + ", ".join(f"{c} = coalesce(?{n}, {c})" for n, c in enumerate(_MERGED, 4))
    + ", match_key = coalesce(match_key, ?2), updated_at = ?3 WHERE id = ?1 AND ("
    + " OR ".join(f"coalesce(?{n}, {c}) IS NOT {c}" for n, c in enumerate(_MERGED, 4))
    + " OR (match_key IS NULL AND ?2 IS NOT NULL))"
)


def _match_key(record: MediaRecord) -> str | None:
    return match_key(record.filename, record.taken_at)


def _now() -> int:
    return int(time.time())


async def _configure(conn: aiosqlite.Connection) -> None:
    for pragma in PRAGMAS:
        await conn.execute(pragma)


def migrate_sync(conn: sqlite3.Connection) -> int:
    """Bring a catalog up to ``SCHEMA_VERSION``; returns the version it had."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise CatalogError(
            f"this catalog has schema version {version}, newer than this gphotos-tui "
            f"understands ({SCHEMA_VERSION}); upgrade gphotos-tui to open it"
        )
    for number in range(version, SCHEMA_VERSION):
        conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;")
    return int(version)


class Catalog:
    """An open catalog: a writer connection and a reader connection (WAL)."""

    def __init__(self, path: Path, writer: aiosqlite.Connection | None, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self.reader = reader
        self._checked = False  # opened with a passing quick_check: a clean close may vouch for the file

    # -- opening -----------------------------------------------------------

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False, check: bool = False) -> Catalog:
        """Open (and migrate, unless ``readonly``) the catalog at ``path``.

        ``check`` runs ``PRAGMA quick_check`` first (writers do: a damaged
        catalog is refused before anything is written into it).
        """
        path = Path(path)
        if readonly and not path.exists():
            raise CatalogError(f"no catalog at {path}; run an import or sync first, or try --demo")
        try:
            if not readonly:
                private_file_dir(path.parent)
                if check and path.exists() and not _vouched(path):
                    _check_file(path)
                _migrate_file(path)
                tighten(path)
            writer = None
            if not readonly:
                writer = await _connect(path)
            reader = await _connect(path)
            # Readers page through windows and counts: a smaller cache than the writer's bulk writes need
            # (the OS keeps the file's pages anyway), so a pass over a million rows does not hold 64 MiB.
            await reader.execute(READER_CACHE)
            if readonly:
                row = await (await reader.execute("PRAGMA user_version")).fetchone()
                version = row[0] if row is not None else 0
                if version != SCHEMA_VERSION:
                    await reader.close()
                    raise CatalogError(_version_advice(path, version))
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"cannot open catalog {path}: {exc}" + _damage_advice(path, exc)) from exc
        if not readonly:
            tighten(path)
        catalog = cls(path, writer, reader)
        catalog._checked = check and not readonly
        return catalog

    def mark_checked(self) -> None:
        """A check made after opening (the app's, in a worker) passed: a clean close may vouch for the file."""
        self._checked = self._writer is not None

    async def end_stale_runs(self) -> int:
        """Runs still marked 'running' when this writer holds the catalog lock were cut off (kill -9, power loss)."""
        cur = await self.writer.execute(
            "UPDATE sync_runs SET state = 'interrupted', finished_at = coalesce(finished_at, ?), "
            "message = coalesce(message, 'the run ended without finishing (killed or crashed)') "
            "WHERE state = 'running'",
            (_now(),),
        )
        return cur.rowcount

    async def close(self) -> None:
        writer = self._writer
        for conn in (self._writer, self.reader):
            if conn is not None:
                try:
                    if conn is self._writer:
                        await conn.execute("PRAGMA optimize")
                finally:
                    await conn.close()
        self._writer = None
        if writer is not None and self._checked:
            _vouch(self.path)  # checked at open and closed cleanly: the next writer may skip quick_check

    async def __aenter__(self) -> Catalog:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise CatalogError("catalog is open read-only")
        return self._writer

    # -- sources -----------------------------------------------------------

    async def ensure_source(self, kind: SourceKind | str, ref: str, label: str) -> Source:
        kind = SourceKind(kind)
        w = self.writer
        await w.execute(
            "INSERT INTO sources (kind, ref, label, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, ref) DO UPDATE SET label = excluded.label",
            (kind.value, ref, label, _now()),
        )
        row = await (await w.execute("SELECT id FROM sources WHERE kind = ? AND ref = ?", (kind.value, ref))).fetchone()
        assert row is not None  # upserted just above
        return Source(row[0], kind, ref, label)

    # -- the batch writer ----------------------------------------------------

    async def write_batch(
        self,
        source: Source,
        items: Sequence[MediaRecord] = (),
        *,
        albums: Sequence[AlbumRecord] = (),
        memberships: Sequence[Membership] = (),
        checkpoint: Checkpoint | None = None,
        seen_at: int | None = None,
    ) -> BatchResult:
        """Upsert one page of records, its albums and memberships, and its checkpoint, atomically."""
        page = _Page(source, items, albums, memberships, checkpoint, seen_at or _now())
        # The whole page runs as one call on the writer's own thread: one queue
        # round trip instead of one per statement, and the row building stays
        # off the event loop (the UI thread). aiosqlite has no public API for
        # this; _execute/_conn have been stable since 0.17 (tests cover it).
        result: BatchResult = await self.writer._execute(_write_page, self.writer._conn, page)  # type: ignore[no-untyped-call]
        return result

    async def write_rows(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """One executemany on the writer's thread, its cursor closed there too.

        A cursor dropped on the event loop's thread is reset from that thread,
        which raced the writer thread reusing the same cached statement
        (seen as a rare "bad parameter or other API misuse" under load).
        """

        def run(conn: sqlite3.Connection) -> None:
            conn.executemany(sql, rows).close()

        await self.writer._execute(run, self.writer._conn)  # type: ignore[no-untyped-call]

    async def run_on_writer(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(connection, *args)`` on the writer's own thread (a job of many statements, reads and writes)."""
        return await self.writer._execute(fn, self.writer._conn, *args)  # type: ignore[no-untyped-call,no-any-return]

    # -- checkpoints and runs -------------------------------------------------

    async def checkpoint(self, source: Source, shard: str) -> Checkpoint | None:
        found = await self._checkpoints("source_id = ? AND shard = ?", (source.id, shard))
        return found[0] if found else None

    async def checkpoints(self, source: Source) -> list[Checkpoint]:
        return await self._checkpoints("source_id = ? ORDER BY shard", (source.id,))

    async def _checkpoints(self, where: str, params: tuple[Any, ...]) -> list[Checkpoint]:
        rows = await self.writer.execute_fetchall(
            f"SELECT shard, page_token, newest_seen, done, state FROM sync_checkpoints WHERE {where}", params
        )
        return [Checkpoint(r[0], r[1], r[2], bool(r[3]), json.loads(r[4]) if r[4] else {}) for r in rows]

    async def clear_checkpoints(self, source: Source) -> None:
        await self.writer.execute("DELETE FROM sync_checkpoints WHERE source_id = ?", (source.id,))

    async def start_run(self, source: Source, job: str) -> int:
        cur = await self.writer.execute(
            "INSERT INTO sync_runs (source_id, job, started_at, state) VALUES (?, ?, ?, 'running')",
            (source.id, job, _now()),
        )
        assert cur.lastrowid is not None  # set by every INSERT
        return cur.lastrowid

    async def update_run(self, run_id: int, **counters: int | str | None) -> None:
        allowed = {"items", "pages", "requests", "errors", "state", "message", "finished_at"}
        cols = [c for c in counters if c in allowed]
        if not cols:
            return
        await self.writer.execute(
            f"UPDATE sync_runs SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
            (*(counters[c] for c in cols), run_id),
        )

    async def finish_run(self, run_id: int, state: str, message: str | None = None, **counters: int) -> None:
        await self.update_run(run_id, state=state, message=message, finished_at=_now(), **counters)

    async def mark_missing(self, source: Source, seen_since: int) -> int:
        """After a *complete* listing: flag provenance rows the listing no longer had."""
        cur = await self.writer.execute(
            "UPDATE item_sources SET missing_since = ? WHERE source_id = ? AND last_seen < ? AND missing_since IS NULL",
            (_now(), source.id, seen_since),
        )
        return cur.rowcount

    async def count_seen(self, source: Source, seen_since: int) -> int:
        """Distinct items of ``source`` listed since ``seen_since``: what a run really saw, however
        often its overlapping shards listed the same item."""
        cur = await self.writer.execute(
            "SELECT COUNT(*) FROM item_sources WHERE source_id = ? AND last_seen >= ?", (source.id, seen_since)
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0


@dataclass(frozen=True, slots=True)
class _Page:
    source: Source
    items: Sequence[MediaRecord]
    albums: Sequence[AlbumRecord]
    memberships: Sequence[Membership]
    checkpoint: Checkpoint | None
    now: int


def _write_page(conn: sqlite3.Connection, page: _Page) -> BatchResult:
    """The batch writer proper; runs on the writer thread, in one transaction.

    Foreign-key enforcement is switched off for the page (it cannot change
    inside a transaction) because every row written here points at a parent
    this transaction just checked or created; checking them again per row
    doubled the cost of the provenance insert. It is back on before anything
    else runs on this connection.
    """
    source, now = page.source, page.now
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("UPDATE sources SET last_run_at = ? WHERE id = ?", (now, source.id)).rowcount != 1:
            raise CatalogError(f"source {source.kind.value}:{source.ref} (id {source.id}) is not in this catalog")
        result = _upsert_items(conn, source, page.items, now) if page.items else BatchResult()
        if page.albums:
            conn.executemany(
                "INSERT INTO albums (kind, key, source_id, title, description, product_url, created_at, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET "
                "source_id = excluded.source_id, title = excluded.title, "
                "description = coalesce(excluded.description, description), "
                "product_url = coalesce(excluded.product_url, product_url), "
                "created_at = coalesce(excluded.created_at, created_at), seen_at = excluded.seen_at",
                [
                    (source.kind.value, a.key, source.id, a.title, a.description, a.product_url, a.created_at, now)
                    for a in page.albums
                ],
            )
        if page.memberships:
            _write_members(conn, source, page.memberships)
        if (cp := page.checkpoint) is not None:
            conn.execute(
                "INSERT OR REPLACE INTO sync_checkpoints "
                "(source_id, shard, page_token, newest_seen, done, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    source.id,
                    cp.shard,
                    cp.page_token,
                    cp.newest_seen,
                    int(cp.done),
                    json.dumps(cp.state) if cp.state else None,
                    now,
                ),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
    return result


def _upsert_items(conn: sqlite3.Connection, source: Source, items: Sequence[MediaRecord], now: int) -> BatchResult:
    kind = source.kind.value
    # The same id twice in one page: the later record wins.
    by_id = {r.external_id: r for r in items}
    records = list(by_id.values())
    # 1. Items this source kind has seen before: probe the key in index order.
    known = dict(
        conn.execute(
            "SELECT s.external_id, s.item_id FROM json_each(?) j CROSS JOIN item_sources s "
            "ON s.kind = ? AND s.external_id = j.value",
            (json.dumps(sorted(by_id)), kind),
        )
    )
    # 2. The same photo seen by another source: join on filename + capture second,
    #    never onto an item this kind already claims (that would be a different photo).
    #    The capture-time index finds the candidates; no index on the key itself.
    keys = list(map(_match_key, records))
    if known:
        wanted = {k for r, k in zip(records, keys) if k is not None and r.external_id not in known}
    else:
        wanted = {k for k in keys if k is not None}
    by_key: dict[str, list[int]] = {}
    if wanted:
        taken = {r.taken_at for r in records}  # a superset is fine: the key test decides
        taken.discard(None)
        for key, item_id in conn.execute(
            "SELECT i.match_key, i.id FROM json_each(?) j CROSS JOIN items i ON i.taken_at = j.value "
            "WHERE i.match_key IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.kind = ?) "
            "ORDER BY i.id DESC",
            (json.dumps(list(taken)), json.dumps(list(wanted)), kind),
        ):
            by_key.setdefault(key, []).append(item_id)
    first_new = next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM items").fetchone()[0]
    item_ids: list[int] = []
    old: list[int] = []  # positions of records that merge into a known item
    for position, (r, key) in enumerate(zip(records, keys)):
        item_id = known.get(r.external_id)
        if item_id is None and by_key and key is not None:
            candidates = by_key.get(key)
            if candidates:
                item_id = candidates.pop()  # each candidate item is claimed once, oldest first
        if item_id is None:
            item_id = next_id
            next_id += 1
        else:
            old.append(position)
        item_ids.append(item_id)

    # Rows are made as executemany binds them and freed at once: lists of fresh tuples set off
    # the cyclic garbage collector again and again, and each pass walked every live object
    # (about 6% of the ingest time at 100,000 items in memory, more at a million).
    def new_rows() -> Iterator[tuple[Any, ...]]:
        for r, key, item_id in zip(records, keys, item_ids):
            if item_id >= first_new:
                values = _values(r)
                yield (item_id, key or _NAN, *map(_bindable, values, values))

    def old_rows() -> Iterator[tuple[Any, ...]]:
        for position in old:
            values = _values(records[position])
            yield (item_ids[position], keys[position] or _NAN, now, *map(_bindable, values, values))

    def links() -> Iterator[tuple[Any, ...]]:
        for r, item_id in zip(records, item_ids):
            yield (r.external_id, item_id, _NAN if r.detail is None else r.detail)

    # Constants go into the SQL text (kind is an enum value, the rest are ints): fewer binds.
    inserted = next_id - first_new
    if inserted:
        conn.executemany(
            f"INSERT INTO items (id, match_key, created_at, updated_at, {_INSERT_ITEM_COLUMNS}) "
            f"VALUES (?, ?, {now:d}, {now:d}, {_INSERT_ITEM_VALUES})",
            new_rows(),
        )
        _count_new_items(conn, first_new)
    updated = 0
    if old:
        # Only rows whose values really change are touched, so a repeated import changes nothing.
        updated = max(conn.executemany(_UPDATE_ITEM, old_rows()).rowcount, 0)
    conn.executemany(
        "INSERT INTO item_sources (kind, external_id, source_id, item_id, first_seen, last_seen, detail) "
        f"VALUES ('{kind}', ?, {source.id:d}, ?, {now:d}, {now:d}, ?) "
        "ON CONFLICT (kind, external_id, source_id) DO UPDATE SET "
        "last_seen = excluded.last_seen, missing_since = NULL, item_id = excluded.item_id, "
        "detail = coalesce(excluded.detail, detail)",
        links(),
    )
    return BatchResult(inserted=inserted, updated=updated, unchanged=len(old) - updated)


_COUNT_NEW_ITEMS = tuple(count_new_items_sql(key) for key in ITEM_SETS)


def _count_new_items(conn: sqlite3.Connection, first_new: int) -> None:
    """Add the items just inserted (ids from ``first_new``) to the item-set summaries, set by set.

    The catalog's triggers keep the summaries current on every other change; new items are counted
    here, once per batch, because a trigger per inserted row doubled the ingest's catalog CPU.
    """
    for sql in _COUNT_NEW_ITEMS:
        conn.execute(sql, (first_new,))


_COUNT_NEW_MEMBERS = count_new_members_sql()


def _write_members(conn: sqlite3.Connection, source: Source, memberships: Sequence[Membership]) -> None:
    """Album memberships of a page, the new ones counted in the summaries once for the whole page.

    They are resolved into a staging table first (the same pair twice: the later position wins, as an
    upsert would). The per-row trigger is held off while the new rows go in (``summaries_batch``, set
    and cleared inside this transaction): it cost a third of the writer's CPU at 100,000 items, and each
    item leaving "not in any album" with a boundary date rescanned that set.
    """
    kind = source.kind.value
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS staged_members (album_id INTEGER NOT NULL, item_id INTEGER NOT NULL, "
        "position INTEGER, fresh INTEGER NOT NULL DEFAULT 0, is_first INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (album_id, item_id)) WITHOUT ROWID"
    )
    conn.executemany(
        "INSERT INTO temp.staged_members (album_id, item_id, position) "
        "SELECT a.id, s.item_id, ? FROM albums a, item_sources s "
        f"WHERE a.kind = '{kind}' AND a.key = ? AND s.kind = '{kind}' AND s.external_id = ? "
        "ON CONFLICT (album_id, item_id) DO UPDATE SET position = coalesce(excluded.position, position)",
        [(m.position, m.album_key, m.item_external_id) for m in memberships],
    )
    conn.execute(
        "UPDATE temp.staged_members SET "
        "fresh = NOT EXISTS (SELECT 1 FROM album_items x WHERE x.album_id = staged_members.album_id "
        "AND x.item_id = staged_members.item_id), "
        "is_first = NOT EXISTS (SELECT 1 FROM album_items x WHERE x.item_id = staged_members.item_id)"
    )
    conn.execute(
        "UPDATE album_items SET position = s.position FROM temp.staged_members s "
        "WHERE NOT s.fresh AND s.position IS NOT NULL AND album_items.album_id = s.album_id "
        "AND album_items.item_id = s.item_id AND album_items.position IS NOT s.position"
    )
    conn.execute("INSERT INTO summaries_batch (active) VALUES (1)")
    conn.execute(
        "INSERT INTO album_items (album_id, item_id, position) "
        "SELECT album_id, item_id, position FROM temp.staged_members WHERE fresh"
    )
    conn.execute("DELETE FROM summaries_batch")
    for sql in _COUNT_NEW_MEMBERS:
        conn.execute(sql)
    conn.execute("DELETE FROM temp.staged_members")


def _version_advice(path: Path, version: int) -> str:
    if version > SCHEMA_VERSION:
        return (
            f"catalog {path} has schema version {version}, newer than this gphotos-tui understands "
            f"({SCHEMA_VERSION}); upgrade gphotos-tui to read it"
        )
    return (
        f"catalog {path} has schema version {version}, expected {SCHEMA_VERSION}; "
        "run any writing command once (e.g. gphotos-tui import-takeout, or open the app) to migrate it"
    )


def _damage_advice(path: Path, exc: BaseException) -> str:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "damaged" in text or "corrupt" in text:
        return "; " + RECOVERY.format(path=path)
    return ""


RECOVERY = (
    "to recover: keep a copy of {path}, try `gphotos-tui export` (it still works where SQLite can read), "
    "or `sqlite3 {path} .recover | sqlite3 recovered.sqlite` and use --db recovered.sqlite; "
    "or move the file aside and import/sync again"
)


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _fingerprint(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ino}"


def _vouched(path: Path) -> bool:
    """The file is exactly as a writer left it after a passing check and a clean close (so not checked again)."""
    try:
        return _stamp(path).read_text() == _fingerprint(path) and not Path(f"{path}-wal").exists()
    except OSError:
        return False


def _vouch(path: Path) -> None:
    try:
        _stamp(path).write_text(_fingerprint(path))
    except OSError:
        pass  # only costs a quick_check next time


def needs_check(path: Path) -> bool:
    """Whether ``quick_check`` has anything to do: False for a missing catalog or one exactly as a checked
    writer left it (the ``<catalog>.checked`` stamp). Cheap: a stat and a small read."""
    return Path(path).exists() and not _vouched(Path(path))


def quick_check(path: Path, stop: threading.Event | None = None) -> bool:
    """``PRAGMA quick_check`` on a read-only connection of its own: CatalogError, with how to recover, when the
    catalog is damaged. Blocking (seconds for a million items): the app runs it in a thread. Setting
    ``stop`` abandons the check (the app quitting): False, nothing known; True when it passed."""
    if stop is not None and stop.is_set():
        return False
    return _check_file(Path(path), stop)


def _interrupt_on(stop: threading.Event, conn: sqlite3.Connection, done: threading.Event) -> None:
    """The check is one SQLite opcode (no progress handler runs during it): interrupt it from outside."""
    while not done.wait(0.05):
        if stop.is_set():
            conn.interrupt()
            return


def _check_file(path: Path, stop: threading.Event | None = None) -> bool:
    """``PRAGMA quick_check``: a damaged catalog is refused with advice instead of being written into."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    done = threading.Event()
    if stop is not None:
        threading.Thread(target=_interrupt_on, args=(stop, conn, done), daemon=True).start()
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        if stop is not None and stop.is_set():
            return False  # interrupted on request, not damaged
        raise CatalogError(
            f"catalog {path} is damaged ({exc}); nothing was written; " + RECOVERY.format(path=path)
        ) from exc
    finally:
        done.set()
        conn.close()
    if rows != [("ok",)]:
        found = "; ".join(str(r[0]) for r in rows[:3])
        raise CatalogError(f"catalog {path} is damaged ({found}); nothing was written; " + RECOVERY.format(path=path))
    return True


def private_file_dir(folder: Path) -> None:
    """The catalog's folder; folders made here are owner-only (the app's own ones are tightened by ``paths``)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def tighten(path: Path) -> None:
    """The catalog and its -wal/-shm files readable by the owner only."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = os.stat(name)
            if st.st_mode & 0o077 and st.st_uid == os.getuid():
                os.chmod(name, 0o600)
        except OSError:
            pass


def _migrate_file(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate_sync(conn)
    finally:
        conn.close()


async def ingest(
    catalog: Catalog, source: Source, records: Iterable[MediaRecord], batch_size: int = 5000
) -> BatchResult:
    """Write ``records`` in batches; a convenience for imports without paging."""
    totals = [0, 0, 0]
    batch: list[MediaRecord] = []

    async def flush() -> None:
        r = await catalog.write_batch(source, batch)
        totals[0] += r.inserted
        totals[1] += r.updated
        totals[2] += r.unchanged
        batch.clear()

    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            await flush()
    if batch:
        await flush()
    return BatchResult(*totals)
