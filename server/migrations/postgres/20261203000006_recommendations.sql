-- SPEC "Reporting" (seed 004 §47): the quarterly report holds the DPO's recommendations, each
-- with an owner and a date for completion, followed up like actions until done (issue 22).
CREATE TABLE recommendations (
    id           bigserial PRIMARY KEY,
    period_from  date NOT NULL,           -- the report's period, UK days
    period_to    date NOT NULL,
    text         text NOT NULL,
    owner        text NOT NULL,
    due_on       date NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    done_on      date,
    done_note    text,
    done_by      text
);
CREATE INDEX recommendations_by_period ON recommendations (period_from, period_to);
