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

MIGRATIONS: tuple[str, ...] = (V1_BASE, V2_QUOTA_AND_STATS, V_TAKEOUT_PARTS, V_XMP_SIDECARS)
SCHEMA_VERSION = len(MIGRATIONS)
