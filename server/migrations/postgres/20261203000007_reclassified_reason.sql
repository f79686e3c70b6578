-- SPEC "Categories and triage": staff reclassify a case either way with a reason (issue 22). The
-- reason is typed about the person's case, so it lives here, where retention reduces it, and
-- never in the history or the audit trail.
ALTER TABLE cases ADD COLUMN reclassified_reason TEXT;
