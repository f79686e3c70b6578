-- SPEC "Intake" (issue 22): a complaint about data sharing or security is a complaint, with its
-- deadlines, not a breach report. Breach reports of those two categories that were not yet
-- followed by a complaint become complaints, their deadlines (already kept) running from their
-- receipt. The breach acknowledgement they had is not a complaint's acknowledgement, so an open
-- one goes back to "received": the register shows its acknowledgement due. Each is recorded in
-- its history and in the audit trail ("reclassified"), for the DPO to find and act on.
INSERT INTO case_events (case_id, at, event, actor, detail)
SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'reclassified', NULL,
       'breach report to complaint: a complaint about data sharing or security is a complaint (SPEC "Intake")'
FROM cases
WHERE kind = 'breach_report' AND category IN ('data_sharing', 'security') AND lodged_as IS NULL;

INSERT INTO audit_events (at, username, action, reference, detail)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '(migration)', 'reclassified', reference,
       'breach report to complaint; send the complaint acknowledgement if it is still due'
FROM cases
WHERE kind = 'breach_report' AND category IN ('data_sharing', 'security') AND lodged_as IS NULL;

UPDATE cases
SET status = CASE WHEN status IN ('received', 'acknowledged') THEN 'received' ELSE status END,
    acknowledged_at = CASE WHEN status IN ('received', 'acknowledged') THEN NULL ELSE acknowledged_at END,
    kind = 'complaint'
WHERE kind = 'breach_report' AND category IN ('data_sharing', 'security') AND lodged_as IS NULL;
