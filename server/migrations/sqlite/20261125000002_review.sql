-- A complaint that looks sent by a program (the form's hidden honeypot field filled in, or
-- sent within seconds of starting): still stored, never dropped, and marked for staff to check.
ALTER TABLE cases ADD COLUMN review_reason TEXT;
