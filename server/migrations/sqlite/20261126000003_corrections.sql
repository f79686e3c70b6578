-- Corrections after intake (UK GDPR art. 16; seed 000): what changed, old and new values (the
-- DPO alone sees the values), and why. Retention deletes these with the case file.
CREATE TABLE case_corrections (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    reason   TEXT NOT NULL,
    changes  TEXT NOT NULL          -- JSON: [{"label", "old", "new"}]
);
CREATE INDEX case_corrections_by_case ON case_corrections (case_id, id);
