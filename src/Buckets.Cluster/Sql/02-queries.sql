-- The queries the Orleans ADO.NET providers look up in OrleansQuery, written for the tables in
-- 01-schema.sql. Re-running this file replaces every text (ON CONFLICT ... DO UPDATE), so an
-- upgrade of Buckets ships new SQL with `buckets db init`.
--
-- Contract (from the providers' C#): parameters arrive as @Name; result columns are read by name,
-- so every result column is aliased to the exact name the provider asks for. Queries the provider
-- reads a single row from must always return exactly one row, even when nothing changed.
INSERT INTO orleansquery (querykey, querytext) VALUES

-- Membership ------------------------------------------------------------------------------------

-- Creates the version row of a cluster if missing. Returns one boolean: true if this call created it.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO buckets_membership_version (deployment_id, version)
    VALUES (@DeploymentId, 0)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created";
$sql$),

-- Adds a silo row, but only if the table version is still the one the caller read (@Version) and
-- the silo is not there yet; bumps the version in the same statement. The row lock taken by the
-- UPDATE serialises concurrent writers: the loser re-checks "version = @Version", fails, inserts
-- nothing. Returns one boolean: true if the row was inserted.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE buckets_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND NOT EXISTS (SELECT 1 FROM buckets_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address
                        AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), inserted AS (
    INSERT INTO buckets_membership (deployment_id, address, port, generation, silo_name, host_name,
                                    status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted) AS "Inserted";
$sql$),

-- Changes a silo's status, suspicions and heartbeat under the same table-version check as inserts.
-- Returns one boolean: true if the row was updated.
('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE buckets_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND EXISTS (SELECT 1 FROM buckets_membership
                  WHERE deployment_id = @DeploymentId AND address = @Address
                    AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), updated AS (
    UPDATE buckets_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated) AS "Updated";
$sql$),

-- The heartbeat: the only membership write that does not go through the table version.
('UpdateIAmAlivetimeKey', $sql$
UPDATE buckets_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$sql$),

-- One silo. Driven from the version row so that a missing silo still yields one row carrying the
-- table version, with NULL silo columns (the provider treats a NULL StartTime as "no entry").
('MembershipReadRowKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
       m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
       m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM buckets_membership_version AS v
LEFT JOIN buckets_membership AS m
       ON m.deployment_id = v.deployment_id AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$sql$),

-- Every silo of the cluster, each row carrying the table version (one row with NULLs if none).
('MembershipReadAllKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
       m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
       m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM buckets_membership_version AS v
LEFT JOIN buckets_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$sql$),

-- Forgets a whole cluster: its silos and its version row.
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM buckets_membership WHERE deployment_id = @DeploymentId;
DELETE FROM buckets_membership_version WHERE deployment_id = @DeploymentId;
$sql$),

-- Gateways clients may connect to: silos with the requested status (Active) and a gateway port.
('GatewaysQueryKey', $sql$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM buckets_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$sql$),

-- Removes rows of silos that are Dead (6) and whose start and last heartbeat both precede the
-- cutoff the provider passes as @IAmAliveTime. Live silos and recent deaths are kept.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM buckets_membership
WHERE deployment_id = @DeploymentId
  AND status = 6
  AND i_am_alive_time < @IAmAliveTime
  AND start_time < @IAmAliveTime;
$sql$),

-- Grain state ------------------------------------------------------------------------------------
-- Every statement matches the full natural key; the hashes only narrow the index scan.
-- Versions wrap from 2147483647 to 1 rather than overflow (the provider's ETag is an int).

-- Zero rows: no record. One row: payload (NULL after a clear) and the version as the ETag.
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM buckets_grain_state
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '');
$sql$),

-- With no ETag (@GrainStateVersion NULL) the caller believes there is no record: insert version 1,
-- or do nothing if a row exists. With an ETag: overwrite only if the stored version equals it and
-- bump the version. Always one row: the new version, or NULL when the ETag was stale, which the
-- provider turns into an InconsistentStateException.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE buckets_grain_state
    SET payload = @PayloadBinary,
        version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
        modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO buckets_grain_state (grain_id_hash, grain_type_hash, service_id, grain_type,
                                     grain_id_n0, grain_id_n1, grain_id_ext, payload, version)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString,
           @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT buckets_grain_state_pkey DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion";
$sql$),

-- Clear keeping the row: drops the payload, bumps the version. One row: the new version, or NULL
-- when the ETag was stale.
('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE buckets_grain_state
    SET payload = NULL,
        version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
        modified_at = now()
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "Version";
$sql$),

-- Clear removing the row (DeleteStateOnClear, which Buckets uses: an erased bucket leaves no
-- metadata behind). One row: a version different from the caller's ETag when the row was
-- deleted, NULL when the ETag was stale. The provider forgets the ETag afterwards.
('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM buckets_grain_state
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END FROM deleted) AS "Version";
$sql$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
