-- SPEC "Reporting" (seed 004 §47): the quarterly report holds the DPO's recommendations, each
-- with an owner and a date for completion, followed up like actions until done (issue 22).
CREATE TABLE recommendations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    period_from  TEXT NOT NULL,           -- the report's period, UK days
    period_to    TEXT NOT NULL,
    text         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    done_on      TEXT,
    done_note    TEXT,
    done_by      TEXT
);
CREATE INDEX recommendations_by_period ON recommendations (period_from, period_to);
