-- Triage flags worked, not only raised (seed 004 §23, §24, §26): identity verified and how,
-- clarification asked for and received, the corporate hand-over made.
ALTER TABLE cases ADD COLUMN identity_verified_on TEXT;
ALTER TABLE cases ADD COLUMN identity_verified_how TEXT;
ALTER TABLE cases ADD COLUMN clarification_asked_on TEXT;
ALTER TABLE cases ADD COLUMN clarification_received_on TEXT;
ALTER TABLE cases ADD COLUMN handover_made_on TEXT;
