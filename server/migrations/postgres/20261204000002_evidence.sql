-- Evidence (issue 25): files attached to a case, kept in the database like the rest of the
-- case so that backups, copy-to, several instances, retention, subject access and erasure
-- cover them. The bytes are in chunks of at most 256 KiB, so no file is ever read whole.
CREATE TABLE evidence_files (
    id          uuid PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name        text NOT NULL,                                 -- cleaned, text to show only
    kind        text NOT NULL,                                 -- decided from the bytes
    size_bytes  bigint NOT NULL,
    sha256      text NOT NULL,
    added_at    timestamptz NOT NULL,
    added_by    text,                                          -- staff username; NULL: the complainant
    scan_state  text NOT NULL CHECK (scan_state IN ('waiting', 'clean', 'not_scanned')),
    scanned_at  timestamptz
);
CREATE INDEX evidence_files_by_case ON evidence_files (case_id);
CREATE INDEX evidence_files_waiting ON evidence_files (scan_state);

CREATE TABLE evidence_chunks (
    file_id uuid NOT NULL REFERENCES evidence_files (id) ON DELETE CASCADE,
    seq     integer NOT NULL,
    bytes   bytea NOT NULL,
    PRIMARY KEY (file_id, seq)
);

-- The complainant's link for sending files: only a hash of its secret is kept; it adds files
-- to its one case, never reads them, and only so many times.
CREATE TABLE evidence_links (
    token_hash text PRIMARY KEY,
    case_id    uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    uses_left  integer NOT NULL,
    created_at timestamptz NOT NULL
);

-- Files the virus scanner refused, for the DPO: never the bytes.
CREATE TABLE evidence_refusals (
    id        bigserial PRIMARY KEY,
    case_id   uuid REFERENCES cases (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL,
    name      text NOT NULL,
    signature text NOT NULL,
    added_by  text
);
