-- The whole procedure (issue 10): endings other than an outcome, progress updates with a
-- revised date, reviews of closed cases, and actions followed up until done.
--
-- New letter and message kinds widen the CHECK constraints of `letters` and `outbox`. sqlx runs
-- every migration inside a transaction, where foreign keys cannot be switched off, so the
-- tables cannot be rebuilt (dropping `letters` would cascade into `outbox`). A CHECK
-- constraint does not change what is on disk, so SQLite documents editing its text in the
-- schema for this ("Making Other Kinds Of Table Schema Changes"); the store opens fresh
-- connections after migrating, so every connection reads the new schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (kind IN (''acknowledgement'', ''outcome''))',
                     'CHECK (kind IN (''acknowledgement'', ''outcome'', ''progress_update'', ''ending''))')
 WHERE type = 'table' AND name = 'letters';
UPDATE sqlite_schema
   SET sql = replace(sql, '''team_alert'', ''digest'')',
                     '''team_alert'', ''digest'', ''progress_update'', ''ending'')')
 WHERE type = 'table' AND name = 'outbox';
PRAGMA writable_schema = OFF;

-- How a case ended other than with an outcome (JSON), and the expected outcome date last
-- given to the complainant in a progress update.
ALTER TABLE cases ADD COLUMN ending TEXT;
ALTER TABLE cases ADD COLUMN revised_due TEXT;
-- A breach report and the complaint lodged after its outcome (004 §18), each naming the other.
ALTER TABLE cases ADD COLUMN lodged_as TEXT;
ALTER TABLE cases ADD COLUMN lodged_from TEXT;

-- Progress updates (seed 004 §34).
CREATE TABLE progress_updates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    author     TEXT NOT NULL,
    progress   TEXT NOT NULL,
    revised_on TEXT NOT NULL,
    why        TEXT NOT NULL
);
CREATE INDEX progress_updates_by_case ON progress_updates (case_id, id);

-- A closed case reopened for review keeps what it was closed with.
CREATE TABLE case_reviews (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id            TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    opened_at          TEXT NOT NULL,
    opened_by          TEXT NOT NULL,
    reason             TEXT NOT NULL,
    outcome            TEXT,                 -- the earlier outcome (JSON), if there was one
    outcome_category   TEXT,
    outcome_sent_at    TEXT,
    ending             TEXT,                 -- the earlier ending (JSON), if it ended so
    resolution         TEXT,
    closed_at          TEXT,
    outcome_due        TEXT NOT NULL         -- the target it had
);
CREATE INDEX case_reviews_by_case ON case_reviews (case_id, id);

-- Actions followed up until done (seed 004 §45).
ALTER TABLE case_actions ADD COLUMN done_on TEXT;
ALTER TABLE case_actions ADD COLUMN done_note TEXT;
ALTER TABLE case_actions ADD COLUMN done_by TEXT;

