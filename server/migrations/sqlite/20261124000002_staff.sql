-- Staff accounts, casework records (notes, actions, handler confirmation, outcome, closure)
-- and the audit trail of who viewed or changed which case.

CREATE TABLE staff_users (
    username        TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('intake', 'handler', 'dpo')),
    password_hash   TEXT NOT NULL,                   -- Argon2id, PHC string
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,                            -- RFC 3339, UTC
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

ALTER TABLE cases ADD COLUMN handler_confirmed_at TEXT;
ALTER TABLE cases ADD COLUMN investigating_at TEXT;
ALTER TABLE cases ADD COLUMN outcome_category TEXT;
ALTER TABLE cases ADD COLUMN resolution TEXT;

-- The register sorts open cases by their next deadline and filters by team and category.
CREATE INDEX cases_by_team ON cases (team, status);
CREATE INDEX cases_by_category ON cases (category);

-- Notes, correspondence and evidence on a case (seed 004 §37).
CREATE TABLE case_notes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    author   TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('note', 'correspondence_in', 'correspondence_out', 'evidence')),
    body     TEXT NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, id);

-- Remedial actions of an outcome and improvement actions at closure (seed 004 §41, §45).
CREATE TABLE case_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('remedial', 'improvement')),
    description TEXT NOT NULL,
    owner       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX case_actions_by_case ON case_actions (case_id);
CREATE INDEX case_actions_by_due ON case_actions (kind, due_on);

-- Who viewed or changed what, and when. Never updated, never deleted by the application.
CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    reference TEXT,
    detail    TEXT
);
CREATE INDEX audit_by_reference ON audit_events (reference, id);

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
