"""The catalog: one SQLite file, one long-lived writer connection.

Every write arrives as a batch (an API page, a slice of a Takeout archive)
and is applied in one transaction together with the checkpoint that says
where the source stopped, so an interrupted run resumes without losing or
duplicating anything. Identities are resolved for a whole batch in two
indexed queries; new items are then inserted and known ones merged with one
executemany per record shape.
"""

from __future__ import annotations

import json
import operator
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import aiosqlite

from gphotos_tui.catalog.schema import MIGRATIONS, SCHEMA_VERSION
from gphotos_tui.model import (
    MEDIA_FIELDS,
    AlbumRecord,
    Checkpoint,
    MediaRecord,
    Membership,
    SourceKind,
)


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

# Item columns a source may fill in; a None never erases what another source knew.
_MERGED: tuple[str, ...] = tuple(f for f in MEDIA_FIELDS if f not in ("external_id", "detail"))
_values = operator.attrgetter(*_MERGED)
_NONES = (None,) * len(_MERGED)
_NAN = float("nan")  # binds as NULL, and far faster than None in CPython's sqlite3


def _split_by_shape(records: Sequence[MediaRecord]) -> dict[tuple[bool, ...], list[tuple]]:
    """Group records by which fields they have, keeping only the known values.

    CPython's sqlite3 binds ``None`` through its slow adapter path; writing
    only the columns a record has keeps ingest above 100k items/s.
    """
    groups: dict[tuple[bool, ...], list[tuple]] = {}
    for index, record in enumerate(records):
        vals = _values(record)
        mask = tuple(map(operator.is_not, vals, _NONES))
        row = (index, *compress(vals, mask))
        group = groups.get(mask)
        if group is None:
            groups[mask] = [row]
        else:
            group.append(row)
    return groups


def _columns(mask: tuple[bool, ...]) -> list[str]:
    return list(compress(_MERGED, mask))


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
        conn.executescript(
            f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
        )
    return version


class Catalog:
    """An open catalog: a writer connection and a reader connection (WAL)."""

    def __init__(self, path: Path, writer: aiosqlite.Connection | None, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self.reader = reader

    # -- opening -----------------------------------------------------------

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> "Catalog":
        path = Path(path)
        if readonly and not path.exists():
            raise CatalogError(f"no catalog at {path}; run an import or sync first, or try --demo")
        try:
            if not readonly:
                path.parent.mkdir(parents=True, exist_ok=True)
                _migrate_file(path)
            writer = None
            if not readonly:
                writer = await aiosqlite.connect(path, isolation_level=None)
                await _configure(writer)
            reader = await aiosqlite.connect(path, isolation_level=None)
            await _configure(reader)
            if readonly:
                version = (await (await reader.execute("PRAGMA user_version")).fetchone())[0]
                if version != SCHEMA_VERSION:
                    await reader.close()
                    raise CatalogError(
                        f"catalog {path} has schema version {version}, expected {SCHEMA_VERSION}; "
                        "open it once without read-only mode to migrate it"
                    )
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"cannot open catalog {path}: {exc}") from exc
        return cls(path, writer, reader)

    async def close(self) -> None:
        for conn in (self._writer, self.reader):
            if conn is not None:
                try:
                    if conn is self._writer:
                        await conn.execute("PRAGMA optimize")
                finally:
                    await conn.close()
        self._writer = None

    async def __aenter__(self) -> "Catalog":
        return self

    async def __aexit__(self, *exc) -> None:
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
        w = self.writer
        now = seen_at or _now()
        params = {"kind": source.kind.value, "sid": source.id, "now": now}
        await w.execute("BEGIN IMMEDIATE")
        try:
            result = BatchResult()
            if items:
                result = await self._upsert_items(w, items, params)
            if albums:
                await w.executemany(
                    "INSERT INTO albums (kind, key, source_id, title, description, product_url, created_at, seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET "
                    "source_id = excluded.source_id, title = excluded.title, "
                    "description = coalesce(excluded.description, description), "
                    "product_url = coalesce(excluded.product_url, product_url), "
                    "created_at = coalesce(excluded.created_at, created_at), seen_at = excluded.seen_at",
                    [
                        (source.kind.value, a.key, source.id, a.title, a.description, a.product_url, a.created_at, now)
                        for a in albums
                    ],
                )
            if memberships:
                await w.executemany(
                    "INSERT INTO album_items (album_id, item_id, position) "
                    "SELECT a.id, s.item_id, ? FROM albums a, item_sources s "
                    "WHERE a.kind = ? AND a.key = ? AND s.kind = ? AND s.external_id = ? "
                    "ON CONFLICT (album_id, item_id) DO UPDATE SET position = coalesce(excluded.position, position)",
                    [
                        (m.position, source.kind.value, m.album_key, source.kind.value, m.item_external_id)
                        for m in memberships
                    ],
                )
            if checkpoint is not None:
                await w.execute(
                    "INSERT OR REPLACE INTO sync_checkpoints "
                    "(source_id, shard, page_token, newest_seen, done, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        source.id,
                        checkpoint.shard,
                        checkpoint.page_token,
                        checkpoint.newest_seen,
                        int(checkpoint.done),
                        json.dumps(checkpoint.state) if checkpoint.state else None,
                        now,
                    ),
                )
            await w.execute("UPDATE sources SET last_run_at = ? WHERE id = ?", (now, source.id))
            await w.execute("COMMIT")
        except BaseException:
            await w.execute("ROLLBACK")
            raise
        return result

    async def _upsert_items(self, w: aiosqlite.Connection, items: Sequence[MediaRecord], p: dict) -> BatchResult:
        kind, now = p["kind"], p["now"]
        # The same id twice in one page: the later record wins.
        by_id = {r.external_id: r for r in items}
        records = list(by_id.values())
        # 1. Items this source kind has seen before.
        known = dict(
            await w.execute_fetchall(
                "SELECT external_id, item_id FROM item_sources WHERE kind = ? AND external_id IN "
                "(SELECT value FROM json_each(?))",
                (kind, json.dumps(list(by_id))),
            )
        )
        # 2. The same photo seen by another source: join on filename + capture second,
        #    never onto an item this kind already claims (that would be a different photo).
        match_keys = {r.external_id: r.match_key for r in records}
        keys = {k for e, k in match_keys.items() if k is not None and e not in known}
        by_key: dict[str, list[int]] = {}
        if keys:
            rows = await w.execute_fetchall(
                "SELECT match_key, id FROM items WHERE match_key IN (SELECT value FROM json_each(?)) "
                "AND NOT EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = items.id AND s.kind = ?) "
                "ORDER BY id DESC",
                (json.dumps(list(keys)), kind),
            )
            for key, item_id in rows:
                by_key.setdefault(key, []).append(item_id)
        next_id = (await w.execute_fetchall("SELECT coalesce(max(id), 0) + 1 FROM items"))[0][0]
        id_of: dict[str, int] = {}
        new: list[MediaRecord] = []
        old: list[MediaRecord] = []
        for r in records:
            item_id = known.get(r.external_id)
            if item_id is None and by_key:
                candidates = by_key.get(match_keys[r.external_id])
                if candidates:
                    item_id = candidates.pop()  # each candidate item is claimed once, oldest first
            if item_id is None:
                item_id = next_id
                next_id += 1
                new.append(r)
            else:
                old.append(r)
            id_of[r.external_id] = item_id
        for mask, rows in _split_by_shape(new).items():
            cols = _columns(mask)
            await w.executemany(
                f"INSERT INTO items (id, match_key, created_at, updated_at, {', '.join(cols)}) "
                f"VALUES ({', '.join('?' * (4 + len(cols)))})",
                [
                    (id_of[e := new[i].external_id], match_keys[e] or _NAN, now, now, *vals)
                    for i, *vals in rows
                ],
            )
        updated = 0
        for mask, rows in _split_by_shape(old).items():
            cols = _columns(mask)
            # Only rows whose values really change are touched, so a repeated import changes nothing.
            cur = await w.executemany(
                f"UPDATE items SET {', '.join(f'{c} = ?' for c in cols)}, "
                "match_key = coalesce(match_key, ?), updated_at = ? "
                f"WHERE id = ? AND ({' OR '.join(f'{c} IS NOT ?' for c in cols)} "
                "OR (match_key IS NULL AND ? IS NOT NULL))",
                [
                    (*vals, match_keys[e := old[i].external_id] or _NAN, now, id_of[e], *vals, match_keys[e] or _NAN)
                    for i, *vals in rows
                ],
            )
            updated += max(cur.rowcount, 0)
        await w.executemany(
            "INSERT INTO item_sources (kind, external_id, source_id, item_id, first_seen, last_seen, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, external_id, source_id) DO UPDATE SET "
            "last_seen = excluded.last_seen, missing_since = NULL, item_id = excluded.item_id, "
            "detail = coalesce(excluded.detail, detail)",
            [
                (kind, r.external_id, p["sid"], id_of[r.external_id], now, now, _NAN if r.detail is None else r.detail)
                for r in records
            ],
        )
        return BatchResult(inserted=len(new), updated=updated, unchanged=len(old) - updated)

    # -- checkpoints and runs -------------------------------------------------

    async def checkpoint(self, source: Source, shard: str) -> Checkpoint | None:
        row = await (
            await self.writer.execute(
                "SELECT shard, page_token, newest_seen, done, state FROM sync_checkpoints "
                "WHERE source_id = ? AND shard = ?",
                (source.id, shard),
            )
        ).fetchone()
        if row is None:
            return None
        return Checkpoint(row[0], row[1], row[2], bool(row[3]), json.loads(row[4]) if row[4] else {})

    async def clear_checkpoints(self, source: Source) -> None:
        await self.writer.execute("DELETE FROM sync_checkpoints WHERE source_id = ?", (source.id,))

    async def start_run(self, source: Source, job: str) -> int:
        cur = await self.writer.execute(
            "INSERT INTO sync_runs (source_id, job, started_at, state) VALUES (?, ?, ?, 'running')",
            (source.id, job, _now()),
        )
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


def _migrate_file(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate_sync(conn)
    finally:
        conn.close()


async def ingest(catalog: Catalog, source: Source, records: Iterable[MediaRecord], batch_size: int = 5000) -> BatchResult:
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
