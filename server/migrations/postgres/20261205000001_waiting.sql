-- Waiting for the complainant (seed 004 §24; issue 26): a request for more information stops
-- the outcome clock until the reply is recorded (app/src/domain/casework/waiting.rs).
-- `outcome_due` is then moved on by the days waited and `paused_days` keeps how far, so the
-- three-month target is `outcome_due - paused_days`; `first_paused_days` is kept with the
-- first decision's other facts when a case is reopened for review.
ALTER TABLE cases ADD COLUMN waiting_since date;
ALTER TABLE cases ADD COLUMN clock_stopped boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN reminded_on date;
ALTER TABLE cases ADD COLUMN paused_days integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN first_paused_days integer;

-- The request and its reminder are letters and messages of their own.
ALTER TABLE letters DROP CONSTRAINT letters_kind_check,
    ADD CONSTRAINT letters_kind_check CHECK (kind IN ('acknowledgement', 'outcome',
        'progress_update', 'ending', 'information_request', 'reminder'));
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check,
    ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('confirmation', 'acknowledgement',
        'outcome', 'team_alert', 'digest', 'progress_update', 'ending', 'information_request',
        'reminder'));
