-- SPEC "Reporting": a report for a past period never changes, so a case's timeliness is fixed
-- by its first outcome (issue 22). Reopening for review used to overwrite the case's dates and
-- ending, moving last quarter's figures; the first decision's facts now stay on the case
-- (set once, at the first reopening), and reviews are counted apart when they end.
ALTER TABLE cases ADD COLUMN first_outcome_due date;
ALTER TABLE cases ADD COLUMN first_revised_due date;
ALTER TABLE cases ADD COLUMN first_outcome_sent_at timestamptz;
ALTER TABLE cases ADD COLUMN first_closed_at timestamptz;
ALTER TABLE cases ADD COLUMN first_outcome_category text;
ALTER TABLE cases ADD COLUMN first_ending text;           -- the ending's id, no free text

-- When the case first had a handler, so "not assigned at the end" of a past period stays as
-- it was; cases assigned before now take the time of their first assignment in the history.
ALTER TABLE cases ADD COLUMN assigned_at timestamptz;
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
    first_ending = r.ending::jsonb ->> 'ending'
FROM (SELECT DISTINCT ON (case_id) * FROM case_reviews ORDER BY case_id, id) AS r
WHERE r.case_id = cases.id;

CREATE INDEX cases_reviewed ON cases (closed_at) WHERE first_closed_at IS NOT NULL;
