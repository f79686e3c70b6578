-- SPEC "Retention": the history and the audit trail hold field names and staff actions, never
-- text typed about the person (issue 22). They used to copy a review's reason, how identity was
-- checked, an action's description, the MP's name and where a case was referred; the server no
-- longer writes them there, and this removes the copies already written (the same words stay
-- in the case file, which retention reduces). The trails are append-only, so their guards are
-- lifted for this one change and put back.
DROP TRIGGER case_events_append_only_update;
DROP TRIGGER audit_events_append_only_update;
UPDATE case_events SET detail = NULL
 WHERE event IN ('reopened for review', 'action done', 'MP''s details recorded', 'identity verified');
UPDATE case_events SET detail = 'Not a data protection complaint'
 WHERE event = 'closed' AND detail LIKE 'Not a data protection complaint: referred to %';
UPDATE audit_events SET detail = NULL
 WHERE action IN ('reopened for review', 'action done', 'recorded the MP''s details', 'identity verified');
UPDATE audit_events SET detail = 'Not a data protection complaint'
 WHERE action = 'status: closed' AND detail LIKE 'Not a data protection complaint: referred to %';
CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;
CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
