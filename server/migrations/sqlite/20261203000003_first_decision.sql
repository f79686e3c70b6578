-- SPEC "Reporting": a report for a past period never changes, so a case's timeliness is fixed
-- by its first outcome (issue 22). Reopening for review used to overwrite the case's dates and
-- ending, moving last quarter's figures; the first decision's facts now stay on the case
-- (set once, at the first reopening), and reviews are counted apart when they end.
ALTER TABLE cases ADD COLUMN first_outcome_due TEXT;
ALTER TABLE cases ADD COLUMN first_revised_due TEXT;
ALTER TABLE cases ADD COLUMN first_outcome_sent_at TEXT;
ALTER TABLE cases ADD COLUMN first_closed_at TEXT;
ALTER TABLE cases ADD COLUMN first_outcome_category TEXT;
ALTER TABLE cases ADD COLUMN first_ending TEXT;           -- the ending's id, no free text

-- When the case first had a handler, so "not assigned at the end" of a past period stays as
-- it was; cases assigned before now take the time of their first assignment in the history.
ALTER TABLE cases ADD COLUMN assigned_at TEXT;
UPDATE cases SET assigned_at = (SELECT min(e.at) FROM case_events e
                                WHERE e.case_id = cases.id AND e.event = 'handler assigned')
WHERE handler IS NOT NULL;
UPDATE cases SET assigned_at = received_at WHERE handler IS NOT NULL AND assigned_at IS NULL;

-- Cases already reopened: their first decision is the first review's record.
UPDATE cases SET
    first_outcome_due = r.outcome_due,
    first_outcome_sent_at = r.outcome_sent_at,
    first_closed_at = coalesce(r.closed_at, r.opened_at),
    first_outcome_category = r.outcome_category,
    first_ending = json_extract(r.ending, '$.ending')
FROM (SELECT * FROM case_reviews f
      WHERE f.id = (SELECT min(id) FROM case_reviews g WHERE g.case_id = f.case_id)) AS r
WHERE r.case_id = cases.id;

CREATE INDEX cases_reviewed ON cases (closed_at) WHERE first_closed_at IS NOT NULL;

-- The report's index, with the first decision's facts where there was a review. The
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
     || char(31) || coalesce(substr(assigned_at, 1, 16), ''))
);
