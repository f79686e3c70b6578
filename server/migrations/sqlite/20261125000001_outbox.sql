-- The transactional outbox: every email and every letter for the post is a row written in the
-- same transaction as the event that causes it, so a message is never lost nor queued twice
-- (the key is unique). A worker sends what is due; its content is rendered at sending time
-- from the case as it then is, so the row itself holds no copy of the complaint.

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_key     TEXT NOT NULL UNIQUE,            -- case id or team + kind + sequence/day
    case_id         TEXT REFERENCES cases (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('confirmation', 'acknowledgement', 'outcome', 'team_alert', 'digest')),
    audience        TEXT NOT NULL CHECK (audience IN ('complainant', 'team')),
    team            TEXT,                            -- for messages to a team's mailbox
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'post')),
    letter_id       INTEGER REFERENCES letters (id) ON DELETE CASCADE,
    digest_on       TEXT,                            -- the UK day a digest is for
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'sent', 'posted', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,                            -- claimed by one instance until then
    leased_by       TEXT,
    provider_id     TEXT,
    sent_at         TEXT,
    posted_by       TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, channel, next_attempt_at);
CREATE INDEX outbox_by_case ON outbox (case_id);
