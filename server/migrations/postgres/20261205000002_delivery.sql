-- Delivery reports (issue 26; app/src/domain/delivery.rs): GOV.UK Notify's callback says
-- whether each email arrived. One report per message, the latest (a replayed report changes
-- nothing); a table of its own, as on SQLite. A case nobody can reach in writing is flagged
-- until the complainant's details are corrected. Reports find their message by Notify's id.
CREATE TABLE deliveries (
    message_id  bigint PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    status      text NOT NULL CHECK (status IN ('delivered', 'permanent-failure',
                                                'temporary-failure', 'technical-failure')),
    reported_at timestamptz NOT NULL
);
CREATE INDEX outbox_by_provider_id ON outbox (provider_id) WHERE provider_id IS NOT NULL;
ALTER TABLE cases ADD COLUMN cannot_reach_at timestamptz;
