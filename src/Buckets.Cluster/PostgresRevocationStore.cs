using Buckets.Core.Security;
using Npgsql;

namespace Buckets.Cluster;

/// <summary>
/// The Cluster profile's <see cref="IRevocationStore"/>: the <c>buckets_api_key_revocations</c>
/// table of the cluster's database (<c>Sql/03-api-key-revocations.sql</c>), shared by every silo.
/// </summary>
public sealed class PostgresRevocationStore(string connectionString) : IRevocationStore
{
    // Serialises revocations so change numbers commit in order; distinct from the schema lock.
    private const long AdvisoryLockKey = 0x004275636B52766B;

    private const string RevokeSql = """
        INSERT INTO buckets_api_key_revocations AS r (bucket_id, first_valid_serial, revoked_at, change)
        VALUES (@bucket, 1, now(), (SELECT coalesce(max(change), 0) + 1 FROM buckets_api_key_revocations))
        ON CONFLICT (bucket_id) DO UPDATE
            SET first_valid_serial = r.first_valid_serial + 1, revoked_at = EXCLUDED.revoked_at, change = EXCLUDED.change
        RETURNING first_valid_serial, revoked_at, change
        """;

    public async Task<RevocationChanges> ReadSinceAsync(long afterChange, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT bucket_id, first_valid_serial, revoked_at, change FROM buckets_api_key_revocations WHERE change > @after ORDER BY change",
            connection);
        command.Parameters.AddWithValue("after", afterChange);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var revocations = new List<KeyRevocation>();
        var last = afterChange;
        while (await reader.ReadAsync(cancellationToken))
        {
            var revocation = new KeyRevocation(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt64(3));
            revocations.Add(revocation);
            last = revocation.Change;
        }

        return new RevocationChanges(revocations, last);
    }

    public async Task<KeyRevocation> RevokeAsync(string bucketId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        KeyRevocation revocation;
        await using (var command = new NpgsqlCommand(RevokeSql, connection, transaction))
        {
            command.Parameters.AddWithValue("bucket", bucketId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            revocation = new KeyRevocation(bucketId, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
        }

        await transaction.CommitAsync(cancellationToken);
        return revocation;
    }

    public async Task<long> FirstValidSerialAsync(string bucketId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT first_valid_serial FROM buckets_api_key_revocations WHERE bucket_id = @bucket", connection);
        command.Parameters.AddWithValue("bucket", bucketId);
        return await command.ExecuteScalarAsync(cancellationToken) is long serial ? serial : 0;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
