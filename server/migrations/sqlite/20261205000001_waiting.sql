-- Waiting for the complainant (seed 004 §24; issue 26): a request for more information stops
-- the outcome clock until the reply is recorded (app/src/domain/casework/waiting.rs).
-- `outcome_due` is then moved on by the days waited and `paused_days` keeps how far, so the
-- three-month target is `outcome_due - paused_days`; `first_paused_days` is kept with the
-- first decision's other facts when a case is reopened for review.
ALTER TABLE cases ADD COLUMN waiting_since TEXT;
ALTER TABLE cases ADD COLUMN clock_stopped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reminded_on TEXT;
ALTER TABLE cases ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN first_paused_days INTEGER;

-- The request and its reminder are letters and messages of their own (see
-- 20261126000002_lifecycle.sql for why the CHECK constraints are edited in place).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''progress_update'', ''ending''))',
                     '''progress_update'', ''ending'', ''information_request'', ''reminder''))')
 WHERE type = 'table' AND name IN ('letters', 'outbox');
PRAGMA writable_schema = OFF;

-- The report's index, with whether the outcome clock is stopped and the days it has moved
-- (reporting.rs counts a stopped target once the reply is in, and the days apart). The
-- expressions must stay exactly as `store::sqlite_reports` writes them.
DROP INDEX cases_report;
CREATE INDEX cases_report ON cases (
    received_on,
    max(acknowledge_by, outcome_due, coalesce(revised_due, ''), coalesce(outcome_sent_at, closed_at, '9999')),
    (kind || char(31) || category || char(31) || team || char(31) || channel || char(31) || status
     || char(31) || received_on || char(31) || acknowledge_by
     || char(31) || iif(first_closed_at IS NULL, outcome_due, first_outcome_due)
     || char(31) || coalesce(iif(first_closed_at IS NULL, revised_due, first_revised_due), '')
     || char(31) || coalesce(substr(acknowledged_at, 1, 16), '')
     || char(31) || coalesce(substr(iif(first_closed_at IS NULL, outcome_sent_at, first_outcome_sent_at), 1, 16), '')
     || char(31) || coalesce(substr(coalesce(first_closed_at, closed_at), 1, 16), '')
     || char(31) || coalesce(iif(first_closed_at IS NULL, outcome_category, first_outcome_category), '')
     || char(31) || coalesce(iif(first_closed_at IS NULL, json_extract(ending, '$.ending'), first_ending), '')
     || char(31) || coalesce(substr(assigned_at, 1, 16), '')
     || char(31) || coalesce(iif(first_closed_at IS NULL AND clock_stopped, waiting_since, NULL), '')
     || char(31) || iif(first_closed_at IS NULL, paused_days, coalesce(first_paused_days, 0)))
);
