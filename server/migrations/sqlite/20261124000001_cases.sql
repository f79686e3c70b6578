-- Cases, their append-only history, their letters, and the idempotency keys that make a
-- retried submission return the first answer instead of creating a second case.

CREATE TABLE cases (
    id                   TEXT PRIMARY KEY,           -- UUID
    reference            TEXT NOT NULL UNIQUE,       -- nine characters, no separators
    kind                 TEXT NOT NULL CHECK (kind IN ('complaint', 'breach_report')),
    category             TEXT NOT NULL,
    team                 TEXT NOT NULL,
    channel              TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('received', 'acknowledged', 'investigating', 'outcome_sent', 'closed')),
    received_at          TEXT NOT NULL,              -- RFC 3339, UTC
    received_on          TEXT NOT NULL,              -- the UK day, YYYY-MM-DD
    acknowledge_by       TEXT NOT NULL,
    outcome_due          TEXT NOT NULL,
    acknowledged_at      TEXT,
    outcome_sent_at      TEXT,
    closed_at            TEXT,
    identity_check       INTEGER NOT NULL,
    clarification_needed INTEGER NOT NULL,
    corporate_handover   INTEGER NOT NULL,
    consent_share        INTEGER NOT NULL,
    survey_opt_out       INTEGER NOT NULL,
    publication_opt_out  INTEGER NOT NULL,
    complainant_name     TEXT NOT NULL,
    complaint            TEXT NOT NULL,              -- the complaint as received, parsed, as JSON
    keyed_in_by          TEXT,
    handler              TEXT,
    outcome              TEXT,
    created_at           TEXT NOT NULL
);

CREATE INDEX cases_by_deadline ON cases (status, acknowledge_by, outcome_due);
CREATE INDEX cases_by_received ON cases (received_on);

CREATE TABLE case_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    event    TEXT NOT NULL,
    actor    TEXT,
    detail   TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);

-- The history is append-only: it may go only when retention deletes the case itself.
CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;
CREATE TRIGGER case_events_append_only_delete BEFORE DELETE ON case_events
WHEN EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id)
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;

CREATE TABLE letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'outcome')),
    created_at  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX letters_by_case ON letters (case_id);

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,                   -- UUID from the client
    request_hash TEXT NOT NULL,
    case_id      TEXT REFERENCES cases (id) ON DELETE CASCADE,
    response     TEXT,                               -- the receipt first returned, as JSON
    created_at   TEXT NOT NULL
);
