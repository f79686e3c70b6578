-- The team a member of staff works in: with `[access] handlers_see = "own_team"`, handlers
-- see only their team's cases (the DPO sees all).
ALTER TABLE staff_users ADD COLUMN team TEXT;
