-- Revoked API keys (schema version 2). One row per bucket whose keys were ever revoked: keys with a
-- serial below first_valid_serial are refused, and the next key minted for the bucket gets that
-- serial. Every silo re-reads the rows whose change is above the last one it saw (every
-- Buckets:Keys:RevocationRefreshInterval). Revocations take a transaction-scoped advisory lock and
-- number themselves max(change) + 1 under it, so changes commit in number order and a reader never
-- sees a change without every lower one.

CREATE TABLE IF NOT EXISTS buckets_api_key_revocations
(
    bucket_id          text        NOT NULL PRIMARY KEY,
    first_valid_serial bigint      NOT NULL CHECK (first_valid_serial > 0),
    revoked_at         timestamptz NOT NULL DEFAULT now(),
    change             bigint      NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS buckets_api_key_revocations_change_idx ON buckets_api_key_revocations (change);

INSERT INTO buckets_schema_version (version, description)
VALUES (2, 'API key revocations')
ON CONFLICT (version) DO NOTHING;
