-- The quarterly report reads a few facts of every case that can touch the periods asked about
-- (issue 13). Joining them per row at read time cost SQLite most of the report's time over
-- 100,000 cases; this index keeps each case's facts already joined, updated with every write,
-- so the report reads one narrow index instead of the wide table. The expressions must stay
-- exactly as `store::sqlite_reports` writes them (it names this index, so a mismatch fails).
CREATE INDEX cases_report ON cases (
    received_on,
    max(acknowledge_by, outcome_due, coalesce(revised_due, ''), coalesce(outcome_sent_at, closed_at, '9999')),
    (kind || char(31) || category || char(31) || team || char(31) || channel || char(31) || status
     || char(31) || received_on || char(31) || acknowledge_by || char(31) || outcome_due
     || char(31) || coalesce(revised_due, '') || char(31) || coalesce(substr(acknowledged_at, 1, 16), '')
     || char(31) || coalesce(substr(outcome_sent_at, 1, 16), '') || char(31) || coalesce(substr(closed_at, 1, 16), '')
     || char(31) || coalesce(outcome_category, '') || char(31)
     || coalesce(json_extract(ending, '$.ending'), '') || char(31) || (handler IS NOT NULL))
);
