-- The language a complaint was made in (the public form in English or Welsh): its letters and
-- emails go out in it, and staff see it on the case.
ALTER TABLE cases ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'cy'));
