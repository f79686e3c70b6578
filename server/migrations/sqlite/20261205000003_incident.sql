-- Linked cases (issue 26): complaints about one incident (a mis-sent mailing) grouped under a
-- label staff give them, so the register finds them together and they are worked in bulk.
ALTER TABLE cases ADD COLUMN incident TEXT;
CREATE INDEX cases_by_incident ON cases (incident) WHERE incident IS NOT NULL;
