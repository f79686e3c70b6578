-- Every session records the account's epoch at sign-in; a password, role or disabled change
-- (or `server user sign-out`) moves the epoch on, and every older session ends at once.
ALTER TABLE staff_users ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;
