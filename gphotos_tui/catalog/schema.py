"""Catalog schema as forward-only migrations.

``PRAGMA user_version`` holds the number of migrations applied. A migration
is never edited once released: change the schema by appending a new one.
"""

from __future__ import annotations

V1_BASE = """
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,              -- takeout | picker | library | folder | demo
    ref         TEXT NOT NULL,              -- archive fingerprint, session id, folder path ...
    label       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    last_run_at INTEGER,
    UNIQUE (kind, ref)
);

-- An item's public id is "<kind>:<external id>" of the first source that saw it
-- (see item_sources); that keeps ingest to one index fewer.
CREATE TABLE items (
    id                INTEGER PRIMARY KEY,
    match_key         TEXT,                  -- casefolded filename|capture second, joins sources;
                                             -- found through items_taken_at, so it needs no index
    filename          TEXT NOT NULL,
    mime_type         TEXT,
    media_type        TEXT NOT NULL DEFAULT 'photo',
    taken_at          INTEGER,               -- Unix seconds, UTC
    utc_offset_min    INTEGER,               -- local wall clock = taken_at + offset
    width             INTEGER,
    height            INTEGER,
    size_bytes        INTEGER,
    camera_make       TEXT,
    camera_model      TEXT,
    lens_model        TEXT,
    focal_length_mm   REAL,
    focal_length_35mm REAL,
    aperture_f        REAL,
    iso               INTEGER,
    exposure_s        REAL,
    latitude          REAL,
    longitude         REAL,
    description       TEXT,
    favorite          INTEGER NOT NULL DEFAULT 0,
    archived          INTEGER NOT NULL DEFAULT 0,
    trashed           INTEGER NOT NULL DEFAULT 0,
    product_url       TEXT,
    duration_s        REAL,
    orientation       INTEGER,
    content_hash      TEXT,
    time_source       TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX items_taken_at ON items (taken_at);

-- Provenance: which source saw which item, and when.
CREATE TABLE item_sources (
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id   TEXT NOT NULL,
    kind          TEXT NOT NULL,             -- copy of sources.kind: ids are unique per kind
    item_id       INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    missing_since INTEGER,                   -- set when a complete listing no longer has it
    detail        TEXT,
    PRIMARY KEY (kind, external_id, source_id)   -- ids are unique per kind: lookups use the prefix
) WITHOUT ROWID;
CREATE INDEX item_sources_item ON item_sources (item_id);

CREATE TABLE albums (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,               -- source kind: album keys are unique per kind
    key         TEXT NOT NULL,               -- Library album id, Takeout folder name ...
    source_id   INTEGER REFERENCES sources (id) ON DELETE SET NULL,  -- last source that listed it
    title       TEXT NOT NULL,
    description TEXT,
    product_url TEXT,
    created_at  INTEGER,
    seen_at     INTEGER NOT NULL,
    UNIQUE (kind, key)
);

CREATE TABLE album_items (
    album_id INTEGER NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER,
    PRIMARY KEY (album_id, item_id)
) WITHOUT ROWID;
CREATE INDEX album_items_item ON album_items (item_id);

CREATE TABLE local_files (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,
    size_bytes INTEGER NOT NULL,
    mtime      INTEGER,
    sha256     TEXT,
    item_id    INTEGER REFERENCES items (id) ON DELETE SET NULL,
    source_id  INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    fidelity   TEXT,                         -- original | api_photo (no GPS) | api_video (transcoded)
    seen_at    INTEGER NOT NULL
);
CREATE INDEX local_files_item ON local_files (item_id);
CREATE INDEX local_files_sha ON local_files (sha256);

CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    job         TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    state       TEXT NOT NULL,               -- running | done | failed | cancelled | paused
    items       INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    requests    INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    message     TEXT
);

CREATE TABLE sync_checkpoints (
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    shard       TEXT NOT NULL,
    page_token  TEXT,
    newest_seen INTEGER,
    done        INTEGER NOT NULL DEFAULT 0,
    state       TEXT,                        -- JSON for job-specific resume state
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (source_id, shard)
) WITHOUT ROWID;

CREATE TABLE perceptual_hashes (
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    algo        TEXT NOT NULL,               -- e.g. dhash64, phash64
    hash        INTEGER NOT NULL,            -- 64-bit, stored signed
    origin      TEXT NOT NULL,               -- local | thumbnail
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (item_id, algo)
) WITHOUT ROWID;

CREATE TABLE duplicate_decisions (
    group_key  TEXT NOT NULL,                -- stable key of a duplicate group
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    decision   TEXT NOT NULL,                -- keep | discard | not_duplicate
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (group_key, item_id)
) WITHOUT ROWID;
"""

V2_QUOTA_AND_STATS = """
-- Requests per day and API, so the UI can show quota use and pause in time.
CREATE TABLE api_usage (
    day      TEXT NOT NULL,                  -- YYYY-MM-DD in Pacific time (Google's reset)
    api      TEXT NOT NULL,                  -- library | picker | media
    requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, api)
) WITHOUT ROWID;
"""

V_TAKEOUT_PARTS = """
-- Each imported Takeout part (a .zip, a .tgz or an extracted folder): where it was read from, so
-- duplicate hashing and backups can read the originals from it later without naming it again.
CREATE TABLE IF NOT EXISTS takeout_parts (
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    label       TEXT NOT NULL,               -- the part's file name, as in item_sources.detail "path"
    path        TEXT NOT NULL,               -- absolute path it was last imported (or pointed at) from
    kind        TEXT NOT NULL,               -- zip | tgz | dir
    size_bytes  INTEGER NOT NULL,
    mtime       INTEGER,                     -- Unix seconds
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, label)
) WITHOUT ROWID;
"""

V_XMP_SIDECARS = """
-- The XMP sidecars a backup wrote beside its files, with the hash of what was written:
-- a later run rewrites one only when the catalog's facts give different bytes, and never
-- one whose bytes on disk are no longer ours (a photo manager edited it).
CREATE TABLE IF NOT EXISTS xmp_sidecars (
    path       TEXT PRIMARY KEY,               -- absolute, "<media path>.xmp"
    item_id    INTEGER REFERENCES items (id) ON DELETE SET NULL,
    size_bytes INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    written_at INTEGER NOT NULL
);
"""


# -- summaries kept by the catalog itself (issue 15) ---------------------------------------------
# The Albums screen shows, for every album and for the item sets next to them (all items, favourites,
# not in any album, archived, trash), how many items, how many favourites and the capture-date span.
# Counting that from the items on every visit took seconds at a million items; these tables hold it,
# and triggers keep it current on every write (whichever writer: an import, a sync, a test's own SQL),
# each write adjusting only the rows it touches. A boundary date that moves inwards (its item left the
# set, or was re-dated) is looked up again through the capture-time index. Deletes, which no job
# performs, recount the album concerned. New items are the exception: the batch writer counts them. ``catalog.summaries.recount`` recomputes everything from
# scratch; the tests compare the two.

#: Item sets: key -> condition on the item row ``{r}`` (NEW, OLD or i).
ITEM_SETS: dict[str, str] = {
    "all": "1",
    "favorites": "{r}.favorite = 1",
    "no-album": "NOT EXISTS (SELECT 1 FROM album_items x WHERE x.item_id = {r}.id)",
    "archived": "{r}.archived = 1",
    "trash": "{r}.trashed = 1",
}


def _extend(column: str, value: str, op: str) -> str:
    """``column`` widened to include ``value`` (``op`` is < for a minimum, > for a maximum); NULLs ignored."""
    return (
        f"CASE WHEN {value} IS NULL THEN {column} WHEN {column} IS NULL OR {value} {op} {column} "
        f"THEN {value} ELSE {column} END"
    )


def _set_first(key: str, exclude: str | None = None, order: str = "") -> str:
    pred = ITEM_SETS[key].format(r="i") + (f" AND i.id <> {exclude}" if exclude else "")
    return (
        f"(SELECT i.taken_at FROM items i WHERE i.taken_at IS NOT NULL AND {pred} ORDER BY i.taken_at{order} LIMIT 1)"
    )


def _set_last(key: str, exclude: str | None = None) -> str:
    return _set_first(key, exclude, " DESC")


def _set_add(key: str, r: str) -> str:
    return (
        f"UPDATE item_set_summaries SET items = items + 1, favorites = favorites + {r}.favorite, "
        f"first_taken = {_extend('first_taken', f'{r}.taken_at', '<')}, "
        f"last_taken = {_extend('last_taken', f'{r}.taken_at', '>')} "
        f"WHERE key = '{key}' AND {ITEM_SETS[key].format(r=r)};"
    )


def _set_remove(key: str, r: str, exclude: str | None = None) -> str:
    """After the row changed (or before it is deleted: ``exclude`` its id), a boundary it held is looked up again."""
    return (
        f"UPDATE item_set_summaries SET items = items - 1, favorites = favorites - {r}.favorite, "
        f"first_taken = CASE WHEN {r}.taken_at IS first_taken THEN {_set_first(key, exclude)} ELSE first_taken END, "
        f"last_taken = CASE WHEN {r}.taken_at IS last_taken THEN {_set_last(key, exclude)} ELSE last_taken END "
        f"WHERE key = '{key}' AND {ITEM_SETS[key].format(r=r)};"
    )


def _set_recount(key: str) -> str:
    pred = ITEM_SETS[key].format(r="i")
    return (
        "INSERT OR REPLACE INTO item_set_summaries (key, items, favorites, first_taken, last_taken) "
        f"SELECT '{key}', count(*), coalesce(sum(i.favorite), 0), min(i.taken_at), max(i.taken_at) "
        f"FROM items i WHERE {pred};"
    )


def _album_recount(album: str) -> str:
    return (
        "INSERT OR REPLACE INTO album_summaries (album_id, items, favorites, first_taken, last_taken) "
        "SELECT a.id, count(i.id), coalesce(sum(i.favorite), 0), min(i.taken_at), max(i.taken_at) "
        "FROM albums a LEFT JOIN album_items ai ON ai.album_id = a.id LEFT JOIN items i ON i.id = ai.item_id "
        f"WHERE a.id = {album} GROUP BY a.id;"
    )


_ALBUM_FIRST = (
    "(SELECT min(i.taken_at) FROM album_items ai JOIN items i ON i.id = ai.item_id "
    "WHERE ai.album_id = album_summaries.album_id)"
)
_ALBUM_LAST = _ALBUM_FIRST.replace("min(", "max(")
_ITEM = "(SELECT favorite, taken_at FROM items WHERE id = {id}) AS i"


def _trigger(name: str, when: str, *statements: str) -> str:
    body = "\n    ".join(statements)
    return f"DROP TRIGGER IF EXISTS {name};\nCREATE TRIGGER {name} {when} BEGIN\n    {body}\nEND;"


def _v3_summaries() -> str:
    tables = """
CREATE TABLE IF NOT EXISTS album_summaries (
    album_id    INTEGER PRIMARY KEY REFERENCES albums (id) ON DELETE CASCADE,
    items       INTEGER NOT NULL DEFAULT 0,
    favorites   INTEGER NOT NULL DEFAULT 0,
    first_taken INTEGER,
    last_taken  INTEGER
);
CREATE TABLE IF NOT EXISTS item_set_summaries (
    key         TEXT PRIMARY KEY,            -- all | favorites | no-album | archived | trash
    items       INTEGER NOT NULL DEFAULT 0,
    favorites   INTEGER NOT NULL DEFAULT 0,
    first_taken INTEGER,
    last_taken  INTEGER
) WITHOUT ROWID;
"""
    triggers = [
        _trigger(
            "summaries_album_insert",
            "AFTER INSERT ON albums",
            "INSERT OR IGNORE INTO album_summaries (album_id) VALUES (NEW.id);",
        ),
        _trigger(
            "summaries_album_delete", "AFTER DELETE ON albums", "DELETE FROM album_summaries WHERE album_id = OLD.id;"
        ),
        _trigger(
            "summaries_member_insert",
            "AFTER INSERT ON album_items",
            "UPDATE album_summaries SET items = items + 1, favorites = favorites + i.favorite, "
            f"first_taken = {_extend('first_taken', 'i.taken_at', '<')}, "
            f"last_taken = {_extend('last_taken', 'i.taken_at', '>')} "
            f"FROM {_ITEM.format(id='NEW.item_id')} WHERE album_id = NEW.album_id;",
            # The item's first album: it leaves "not in any album". The row is already in, so the set's
            # condition no longer holds for the item: it is taken out by hand.
            "UPDATE item_set_summaries SET items = items - 1, favorites = favorites - i.favorite, "
            f"first_taken = CASE WHEN i.taken_at IS first_taken THEN {_set_first('no-album')} ELSE first_taken END, "
            f"last_taken = CASE WHEN i.taken_at IS last_taken THEN {_set_last('no-album')} ELSE last_taken END "
            f"FROM {_ITEM.format(id='NEW.item_id')} "
            "WHERE key = 'no-album' AND (SELECT count(*) FROM album_items x WHERE x.item_id = NEW.item_id) = 1;",
        ),
        _trigger(
            "summaries_member_delete",
            "AFTER DELETE ON album_items",
            _album_recount("OLD.album_id"),
            # Its last album gone (and the item still there): back to "not in any album".
            "UPDATE item_set_summaries SET items = items + 1, favorites = favorites + i.favorite, "
            f"first_taken = {_extend('first_taken', 'i.taken_at', '<')}, "
            f"last_taken = {_extend('last_taken', 'i.taken_at', '>')} "
            f"FROM {_ITEM.format(id='OLD.item_id')} "
            "WHERE key = 'no-album' AND NOT EXISTS (SELECT 1 FROM album_items x WHERE x.item_id = OLD.item_id);",
        ),
        _trigger(
            "summaries_item_update",
            "AFTER UPDATE OF favorite, archived, trashed, taken_at ON items "
            "WHEN OLD.favorite IS NOT NEW.favorite OR OLD.archived IS NOT NEW.archived "
            "OR OLD.trashed IS NOT NEW.trashed OR OLD.taken_at IS NOT NEW.taken_at",
            *(f"{_set_remove(k, 'OLD')}\n    {_set_add(k, 'NEW')}" for k in ITEM_SETS),
            "UPDATE album_summaries SET favorites = favorites - OLD.favorite + NEW.favorite, "
            f"first_taken = CASE WHEN OLD.taken_at IS first_taken THEN {_ALBUM_FIRST} "
            f"ELSE {_extend('first_taken', 'NEW.taken_at', '<')} END, "
            f"last_taken = CASE WHEN OLD.taken_at IS last_taken THEN {_ALBUM_LAST} "
            f"ELSE {_extend('last_taken', 'NEW.taken_at', '>')} END "
            "WHERE album_id IN (SELECT album_id FROM album_items WHERE item_id = NEW.id);",
        ),
        # Before the row goes (its album links are still there to say whether it was in an album).
        _trigger(
            "summaries_item_delete",
            "BEFORE DELETE ON items",
            *(_set_remove(k, "OLD", exclude="OLD.id") for k in ITEM_SETS),
        ),
        # After: albums still listing it (with foreign keys off nothing cascades) are recounted.
        _trigger(
            "summaries_item_deleted",
            "AFTER DELETE ON items",
            _album_recount("a.id").replace(
                "WHERE a.id = a.id", "WHERE a.id IN (SELECT album_id FROM album_items WHERE item_id = OLD.id)"
            ),
        ),
    ]
    backfill = [
        "DELETE FROM album_summaries;",
        _album_recount("a.id").replace("WHERE a.id = a.id ", ""),
        *(_set_recount(k) for k in ITEM_SETS),
    ]
    # New items are counted by the batch writer, the only writer of new items, one statement per set
    # for the whole batch (store._count_new_items): a trigger per inserted row doubled the ingest's
    # catalog CPU. An old catalog may carry the trigger of an earlier build of this migration: dropped.
    return "\n".join([tables, "DROP TRIGGER IF EXISTS summaries_item_insert;", *triggers, *backfill]) + "\n"


def count_new_items_sql(key: str) -> str:
    """Add the items with ``id >= ?`` (just inserted) to item set ``key``'s summary."""
    return (
        "UPDATE item_set_summaries SET items = items + d.n, favorites = favorites + d.f, "
        f"first_taken = {_extend('first_taken', 'd.lo', '<')}, last_taken = {_extend('last_taken', 'd.hi', '>')} "
        "FROM (SELECT count(*) AS n, coalesce(sum(i.favorite), 0) AS f, min(i.taken_at) AS lo, max(i.taken_at) AS hi "
        f"FROM items i WHERE i.id >= ?1 AND {ITEM_SETS[key].format(r='i')}) AS d "
        f"WHERE key = '{key}' AND d.n > 0"
    )


V3_SUMMARIES = _v3_summaries()  # applied after V_XMP_SIDECARS (see MIGRATIONS)


def _v5_batched_memberships() -> str:
    """Memberships written by the batch writer are counted by it, once per batch (store._write_members).

    The per-row trigger cost a third of the writer's CPU at 100,000 items, and each item leaving
    "not in any album" with a boundary date rescanned that set. The writer fills ``summaries_batch``
    (one row, inside its transaction) while it inserts; the trigger keeps every other writer counted.
    """
    (member_insert,) = (
        t for t in _v3_summaries().split("DROP TRIGGER IF EXISTS ") if t.startswith("summaries_member_insert;")
    )
    trigger = "DROP TRIGGER IF EXISTS " + member_insert.strip().replace(
        "AFTER INSERT ON album_items BEGIN",
        "AFTER INSERT ON album_items WHEN NOT EXISTS (SELECT 1 FROM summaries_batch) BEGIN",
    )
    assert "WHEN NOT EXISTS" in trigger, "summaries_member_insert changed: update this migration"
    return f"CREATE TABLE IF NOT EXISTS summaries_batch (active INTEGER PRIMARY KEY);\n{trigger}\n"


V5_BATCHED_MEMBERSHIPS = _v5_batched_memberships()


def count_new_members_sql() -> tuple[str, ...]:
    """After the staged memberships (temp ``staged_members``, ``fresh`` = new row, ``is_first`` = the item's
    first album) are inserted: add them to their albums and take the items out of "not in any album",
    its boundary dates looked up again (one scan) only when a leaving item held one."""
    return (
        "UPDATE album_summaries SET items = items + d.n, favorites = favorites + d.f, "
        f"first_taken = {_extend('first_taken', 'd.lo', '<')}, last_taken = {_extend('last_taken', 'd.hi', '>')} "
        "FROM (SELECT s.album_id, count(*) AS n, coalesce(sum(i.favorite), 0) AS f, min(i.taken_at) AS lo, "
        "max(i.taken_at) AS hi FROM temp.staged_members s JOIN items i ON i.id = s.item_id WHERE s.fresh "
        "GROUP BY s.album_id) AS d WHERE album_summaries.album_id = d.album_id",
        "UPDATE item_set_summaries SET items = items - d.n, favorites = favorites - d.f, "
        f"first_taken = CASE WHEN d.lo IS first_taken THEN {_set_first('no-album')} ELSE first_taken END, "
        f"last_taken = CASE WHEN d.hi IS last_taken THEN {_set_last('no-album')} ELSE last_taken END "
        "FROM (SELECT count(*) AS n, coalesce(sum(i.favorite), 0) AS f, min(i.taken_at) AS lo, max(i.taken_at) AS hi "
        "FROM items i WHERE i.id IN (SELECT item_id FROM temp.staged_members WHERE is_first)) AS d "
        "WHERE key = 'no-album' AND d.n > 0",
    )


V4_DUPLICATE_GROUPS = """
-- Duplicate groups as the last analysis found them (issue 15): the Duplicates screen and `dupes` read
-- these rows instead of regrouping the library. Kept current after each import or sync by regrouping
-- only what changed and what is connected to it (analysis.duplicates.incremental); `dupes --rebuild`
-- regroups everything.
CREATE TABLE IF NOT EXISTS dupe_groups (
    key         TEXT PRIMARY KEY,            -- model.group_key: class + member ids
    kind        TEXT NOT NULL,
    rank        INTEGER NOT NULL,            -- the class' place in model.KINDS: the screen's order
    reason      TEXT NOT NULL,
    first_taken INTEGER,                     -- earliest member capture time (0 when none)
    members     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dupe_groups_order ON dupe_groups (rank, first_taken, key);
CREATE TABLE IF NOT EXISTS dupe_members (
    group_key TEXT NOT NULL REFERENCES dupe_groups (key) ON DELETE CASCADE,
    item_id   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    keep      INTEGER NOT NULL,              -- the suggestion: 1 keep, 0 discard
    PRIMARY KEY (group_key, item_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dupe_members_item ON dupe_members (item_id);
CREATE TABLE IF NOT EXISTS dupe_state (
    name  TEXT PRIMARY KEY,                  -- checked_at | settings
    value TEXT
) WITHOUT ROWID;
-- Items sharing a content hash are found without a scan of the library.
CREATE INDEX IF NOT EXISTS items_content_hash ON items (content_hash) WHERE content_hash IS NOT NULL;
"""

MIGRATIONS: tuple[str, ...] = (
    V1_BASE,
    V2_QUOTA_AND_STATS,
    V_TAKEOUT_PARTS,
    V_XMP_SIDECARS,
    V3_SUMMARIES,
    V4_DUPLICATE_GROUPS,
    V5_BATCHED_MEMBERSHIPS,
)
SCHEMA_VERSION = len(MIGRATIONS)
