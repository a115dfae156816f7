-- Buckets' own PostgreSQL schema for the Cluster profile: Orleans silo membership and durable
-- bucket metadata (grain state). Written for Buckets; idempotent, so `buckets db init` and
-- ApplySchemaOnStart can run it on every start. PostgresSchema runs it in one transaction under
-- an advisory lock, then 02-queries.sql.
--
-- Unquoted names fold to lower case, so the providers' fixed "SELECT QueryKey, QueryText FROM
-- OrleansQuery" finds the orleansquery table below.

CREATE TABLE IF NOT EXISTS buckets_schema_version
(
    version     integer     NOT NULL PRIMARY KEY,
    description text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- The SQL the Orleans ADO.NET providers run, keyed by the names they look up.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

-- One row per cluster (Orleans passes the ClusterId as @DeploymentId). "version" is the
-- membership table version: every insert or update of a silo row must name the version it read
-- and bumps it by one, which is how Orleans gets optimistic concurrency over the whole table.
CREATE TABLE IF NOT EXISTS buckets_membership_version
(
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation: address + port + generation identify it; a restarted silo gets a
-- new generation and so a new row. status is Orleans' SiloStatus as an integer (3 Active, 6 Dead).
CREATE TABLE IF NOT EXISTS buckets_membership
(
    deployment_id   text        NOT NULL REFERENCES buckets_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL DEFAULT 0,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Gateway lookups by clients filter on status.
CREATE INDEX IF NOT EXISTS buckets_membership_status_idx ON buckets_membership (deployment_id, status);

-- Grain state of every storage provider pointed at this database ("bucket-metadata" today).
-- The natural key is service + grain type + grain id (two 64-bit halves plus a string part);
-- the two 32-bit hashes the provider computes lead the key so lookups touch a narrow index range.
-- grain_id_ext is '' rather than NULL for grains without a string part so the primary key works on
-- every PostgreSQL version (NULLS NOT DISTINCT needs 15+).
-- version is the ETag: 1 on insert, +1 on every write or clear, checked on every write.
CREATE TABLE IF NOT EXISTS buckets_grain_state
(
    grain_id_hash   integer     NOT NULL,
    grain_type_hash integer     NOT NULL,
    service_id      text        NOT NULL,
    grain_type      text        NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_id_ext    text        NOT NULL DEFAULT '',
    payload         bytea       NULL,
    version         integer     NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT buckets_grain_state_pkey PRIMARY KEY
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

INSERT INTO buckets_schema_version (version, description)
VALUES (1, 'membership, grain state and OrleansQuery for Orleans ADO.NET clustering and persistence')
ON CONFLICT (version) DO NOTHING;
