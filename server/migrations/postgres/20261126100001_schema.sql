-- The whole schema on PostgreSQL, as the SQLite migrations leave it (a PostgreSQL store
-- starts empty, or is filled by `server copy-to`): native types (uuid, timestamptz, date,
-- boolean), JSON documents as text (they are read whole, as the SQLite store reads them).

CREATE TABLE cases (
    id                   uuid PRIMARY KEY,
    reference            text NOT NULL UNIQUE,       -- nine characters, no separators
    kind                 text NOT NULL CHECK (kind IN ('complaint', 'breach_report')),
    category             text NOT NULL,
    team                 text NOT NULL,
    channel              text NOT NULL,
    status               text NOT NULL CHECK (status IN ('received', 'acknowledged', 'investigating', 'outcome_sent', 'closed')),
    received_at          timestamptz NOT NULL,
    received_on          date NOT NULL,              -- the UK day
    acknowledge_by       date NOT NULL,
    outcome_due          date NOT NULL,
    acknowledged_at      timestamptz,
    outcome_sent_at      timestamptz,
    closed_at            timestamptz,
    identity_check       boolean NOT NULL,
    clarification_needed boolean NOT NULL,
    corporate_handover   boolean NOT NULL,
    consent_share        boolean NOT NULL,
    survey_opt_out       boolean NOT NULL,
    publication_opt_out  boolean NOT NULL,
    complainant_name     text NOT NULL,
    complaint            text NOT NULL,              -- the complaint as received, parsed, as JSON
    keyed_in_by          text,
    handler              text,
    outcome              text,                       -- JSON
    created_at           timestamptz NOT NULL,
    handler_confirmed_at timestamptz,
    investigating_at     timestamptz,
    outcome_category     text,
    resolution           text,                       -- JSON
    review_reason        text,
    held_reason          text,
    held_at              timestamptz,
    held_by              text,
    restricted_reason    text,
    restricted_at        timestamptz,
    reduced_at           timestamptz,
    reduced_by           text,
    summary              text,                       -- JSON
    officers_removed_at  timestamptz,
    ending               text,                       -- JSON
    revised_due          date,
    lodged_as            text,
    lodged_from          text,
    identity_verified_on date,
    identity_verified_how text,
    clarification_asked_on date,
    clarification_received_on date,
    handover_made_on     date,
    mp_contact           text                        -- JSON
);
CREATE INDEX cases_by_deadline ON cases (status, acknowledge_by, outcome_due);
CREATE INDEX cases_by_received ON cases (received_on);
CREATE INDEX cases_by_team ON cases (team, status);
CREATE INDEX cases_by_category ON cases (category);
CREATE INDEX cases_by_decision ON cases (reduced_at, outcome_sent_at, closed_at);

CREATE TABLE case_events (
    id       bigserial PRIMARY KEY,
    case_id  uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL,
    event    text NOT NULL,
    actor    text,
    detail   text
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);

-- The history and the audit trail are append-only: only retention may delete from them, and
-- it says so for its own transaction (SET LOCAL intake.retention = 'on').
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('intake.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE letters (
    id          bigserial PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('acknowledgement', 'outcome', 'progress_update', 'ending')),
    created_at  timestamptz NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL
);
CREATE INDEX letters_by_case ON letters (case_id);

CREATE TABLE idempotency_keys (
    key          uuid PRIMARY KEY,                   -- from the client
    request_hash text NOT NULL,
    case_id      uuid REFERENCES cases (id) ON DELETE CASCADE,
    response     text,                               -- the receipt first returned, as JSON
    created_at   timestamptz NOT NULL
);

CREATE TABLE staff_users (
    username        text PRIMARY KEY,
    display_name    text NOT NULL,
    role            text NOT NULL CHECK (role IN ('intake', 'handler', 'dpo')),
    password_hash   text NOT NULL,                   -- Argon2id, PHC string
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    team            text
);

CREATE TABLE case_notes (
    id       bigserial PRIMARY KEY,
    case_id  uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL,
    author   text NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('note', 'correspondence_in', 'correspondence_out', 'evidence')),
    body     text NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, id);

CREATE TABLE case_actions (
    id          bigserial PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('remedial', 'improvement')),
    description text NOT NULL,
    owner       text NOT NULL,
    due_on      date NOT NULL,
    created_at  timestamptz NOT NULL,
    done_on     date,
    done_note   text,
    done_by     text
);
CREATE INDEX case_actions_by_case ON case_actions (case_id);
CREATE INDEX case_actions_by_due ON case_actions (kind, due_on);

CREATE TABLE audit_events (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    username  text NOT NULL,
    action    text NOT NULL,
    reference text,
    detail    text
);
CREATE INDEX audit_by_reference ON audit_events (reference, id);
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    message_key     text NOT NULL UNIQUE,            -- case id or team + kind + sequence/day
    case_id         uuid REFERENCES cases (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('confirmation', 'acknowledgement', 'outcome', 'team_alert', 'digest', 'progress_update', 'ending')),
    audience        text NOT NULL CHECK (audience IN ('complainant', 'team', 'mp')),
    team            text,                            -- for messages to a team's mailbox
    channel         text NOT NULL CHECK (channel IN ('email', 'post')),
    letter_id       bigint REFERENCES letters (id) ON DELETE CASCADE,
    digest_on       date,                            -- the UK day a digest is for
    status          text NOT NULL CHECK (status IN ('waiting', 'sent', 'posted', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,                     -- claimed by one instance until then
    leased_by       text,
    provider_id     text,
    sent_at         timestamptz,
    posted_by       text,
    last_error      text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, channel, next_attempt_at);
CREATE INDEX outbox_by_case ON outbox (case_id);

CREATE TABLE retention_runs (
    id                  bigserial PRIMARY KEY,
    slot                text UNIQUE,
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz,
    instance            text NOT NULL,
    trigger             text NOT NULL CHECK (trigger IN ('schedule', 'command', 'staff')),
    as_of               timestamptz NOT NULL,
    cases_reduced       bigint NOT NULL DEFAULT 0,
    officers_removed    bigint NOT NULL DEFAULT 0,
    notes_deleted       bigint NOT NULL DEFAULT 0,
    letters_deleted     bigint NOT NULL DEFAULT 0,
    messages_deleted    bigint NOT NULL DEFAULT 0,
    idempotency_deleted bigint NOT NULL DEFAULT 0,
    sessions_deleted    bigint NOT NULL DEFAULT 0,
    audit_deleted       bigint NOT NULL DEFAULT 0,
    held_skipped        bigint NOT NULL DEFAULT 0,
    error               text
);
CREATE TABLE retention_lease (
    name   text PRIMARY KEY,
    holder text NOT NULL,
    until  timestamptz NOT NULL
);

CREATE TABLE progress_updates (
    id         bigserial PRIMARY KEY,
    case_id    uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    author     text NOT NULL,
    progress   text NOT NULL,
    revised_on date NOT NULL,
    why        text NOT NULL
);
CREATE INDEX progress_updates_by_case ON progress_updates (case_id, id);

CREATE TABLE case_reviews (
    id                 bigserial PRIMARY KEY,
    case_id            uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    opened_at          timestamptz NOT NULL,
    opened_by          text NOT NULL,
    reason             text NOT NULL,
    outcome            text,                 -- the earlier outcome (JSON), if there was one
    outcome_category   text,
    outcome_sent_at    timestamptz,
    ending             text,                 -- the earlier ending (JSON), if it ended so
    resolution         text,
    closed_at          timestamptz,
    outcome_due        date NOT NULL         -- the target it had
);
CREATE INDEX case_reviews_by_case ON case_reviews (case_id, id);

CREATE TABLE case_corrections (
    id       bigserial PRIMARY KEY,
    case_id  uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL,
    actor    text NOT NULL,
    reason   text NOT NULL,
    changes  text NOT NULL          -- JSON: [{"label", "old", "new"}]
);
CREATE INDEX case_corrections_by_case ON case_corrections (case_id, id);

-- What the report reads of each case (see postgres_reports): the cases that can touch a
-- period, found by receipt and by their latest date.
CREATE INDEX cases_report ON cases (received_on,
    (greatest(acknowledge_by, outcome_due, revised_due,
              coalesce((coalesce(outcome_sent_at, closed_at) AT TIME ZONE 'UTC')::date, 'infinity'::date))));
