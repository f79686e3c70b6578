-- Complaints through an MP (seed 000: letters then also go to the MP): the MP's contact
-- details, and copies of letters as messages of their own (audience 'mp'). The audience CHECK
-- is widened in the schema's text, as in the lifecycle migration.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (audience IN (''complainant'', ''team''))',
                     'CHECK (audience IN (''complainant'', ''team'', ''mp''))')
 WHERE type = 'table' AND name = 'outbox';
PRAGMA writable_schema = OFF;

ALTER TABLE cases ADD COLUMN mp_contact TEXT;   -- JSON: {name, email, address}
