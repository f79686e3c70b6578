-- Retention (SPEC.md "Retention"): legal holds, restriction, cases reduced to their permanent
-- summary, officers' names removed, and the record of every retention run.

ALTER TABLE cases ADD COLUMN held_reason TEXT;           -- a legal hold: retention skips the case
ALTER TABLE cases ADD COLUMN held_at TEXT;
ALTER TABLE cases ADD COLUMN held_by TEXT;
ALTER TABLE cases ADD COLUMN restricted_reason TEXT;     -- kept, hidden from handlers
ALTER TABLE cases ADD COLUMN restricted_at TEXT;
ALTER TABLE cases ADD COLUMN reduced_at TEXT;            -- reduced to its summary
ALTER TABLE cases ADD COLUMN reduced_by TEXT;            -- 'retention', or the DPO who erased it
ALTER TABLE cases ADD COLUMN summary TEXT;               -- JSON: the personal summary kept, if policy keeps one
ALTER TABLE cases ADD COLUMN officers_removed_at TEXT;

CREATE INDEX cases_by_decision ON cases (reduced_at, outcome_sent_at, closed_at);

-- One row a run: what it did, by rule. A scheduled run names its slot (the hour it is for):
-- the slot is unique, so several instances starting the same hour's run do it once.
CREATE TABLE retention_runs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    slot               TEXT UNIQUE,
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    instance           TEXT NOT NULL,
    trigger            TEXT NOT NULL CHECK (trigger IN ('schedule', 'command', 'staff')),
    as_of              TEXT NOT NULL,
    cases_reduced      INTEGER NOT NULL DEFAULT 0,
    officers_removed   INTEGER NOT NULL DEFAULT 0,
    notes_deleted      INTEGER NOT NULL DEFAULT 0,
    letters_deleted    INTEGER NOT NULL DEFAULT 0,
    messages_deleted   INTEGER NOT NULL DEFAULT 0,
    idempotency_deleted INTEGER NOT NULL DEFAULT 0,
    sessions_deleted   INTEGER NOT NULL DEFAULT 0,
    audit_deleted      INTEGER NOT NULL DEFAULT 0,
    held_skipped       INTEGER NOT NULL DEFAULT 0,
    error              TEXT
);

-- Only one run at a time, whichever instance or command starts it: a lease with an expiry
-- (a crashed run does not block the next one for ever).
CREATE TABLE retention_lease (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TEXT NOT NULL
);

-- The audit trail is append-only for the application. Retention alone may delete old entries:
-- it opens this gate inside its own transaction (no other connection can
-- see the row) and closes it before committing.
CREATE TABLE retention_gate (open INTEGER NOT NULL);


DROP TRIGGER audit_events_append_only_delete;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM retention_gate)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
