-- SPEC "The investigation" (issue 22): the plan, interim measures and findings of a case, kept
-- whole as JSON (`app::domain::casework::Investigation`). Typed about the person, so retention
-- removes it with the case file.
ALTER TABLE cases ADD COLUMN investigation TEXT;
