namespace Buckets.Core.Security;

/// <summary>
/// Durable record of revoked API keys, shared by every silo of a cluster (PostgreSQL in the Cluster
/// profile, a file under the data directory in Development). Per bucket it keeps the first serial
/// still valid: a revocation raises it past every key issued so far, and the next mint issues it.
/// </summary>
public interface IRevocationStore
{
    /// <summary>
    /// Revocations recorded after change <paramref name="afterChange"/> (0: all), and the change to
    /// ask after next time. A reader never sees a change without every earlier one.
    /// </summary>
    Task<RevocationChanges> ReadSinceAsync(long afterChange, CancellationToken cancellationToken);

    /// <summary>Revokes every key of <paramref name="bucketId"/> issued so far; returns the new record. Durable when it returns.</summary>
    Task<KeyRevocation> RevokeAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>The serial a key minted now for <paramref name="bucketId"/> gets: 0 unless the bucket's keys were revoked.</summary>
    Task<long> FirstValidSerialAsync(string bucketId, CancellationToken cancellationToken);
}
