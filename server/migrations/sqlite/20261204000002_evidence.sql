-- Evidence (issue 25): files attached to a case, kept in the database like the rest of the
-- case so that backups, copy-to, several instances, retention, subject access and erasure
-- cover them. The bytes are in chunks of at most 256 KiB, so no file is ever read whole.
CREATE TABLE evidence_files (
    id          TEXT PRIMARY KEY,                              -- UUID
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,                                 -- cleaned, text to show only
    kind        TEXT NOT NULL,                                 -- decided from the bytes
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT,                                          -- staff username; NULL: the complainant
    scan_state  TEXT NOT NULL CHECK (scan_state IN ('waiting', 'clean', 'not_scanned')),
    scanned_at  TEXT
);
CREATE INDEX evidence_files_by_case ON evidence_files (case_id);
CREATE INDEX evidence_files_waiting ON evidence_files (scan_state);

CREATE TABLE evidence_chunks (
    file_id TEXT NOT NULL REFERENCES evidence_files (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    bytes   BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
);

-- The complainant's link for sending files: only a hash of its secret is kept; it adds files
-- to its one case, never reads them, and only so many times.
CREATE TABLE evidence_links (
    token_hash TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    uses_left  INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- Files the virus scanner refused, for the DPO: never the bytes.
CREATE TABLE evidence_refusals (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id   TEXT REFERENCES cases (id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    name      TEXT NOT NULL,
    signature TEXT NOT NULL,
    added_by  TEXT
);
