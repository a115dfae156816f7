using Buckets.Englang;

namespace Buckets.Hosting.Csv;

/// <summary>
/// One Englang record as a row of a table: what a person reads in the console's history and what the
/// CSV downloads write, taken from the record in one place.
/// </summary>
/// <param name="Key">The key, or empty for a record about the whole bucket (policy, clear, erase).</param>
/// <param name="Value">The value written (set, snapshot entry), else <c>null</c>.</param>
/// <param name="ExpiresAt">The expiry written, if any; for <c>expired</c>, the deadline the entry reached.</param>
/// <param name="Change">The change number (a snapshot entry's last change).</param>
/// <param name="At">When the change happened; <c>null</c> for a snapshot entry (only its number is kept).</param>
/// <param name="Action">set, delete, expired, expire, never-expire, policy, clear, erase, or held (a snapshot entry).</param>
public sealed record ChangeRow(string Key, byte[]? Value, DateTimeOffset? ExpiresAt, long Change, DateTimeOffset? At, string Action)
{
    /// <summary>The row of <paramref name="record"/>, or <c>null</c> for a snapshot's header or footer.</summary>
    public static ChangeRow? From(EnglangRecord record) => record switch
    {
        SnapshotEntryRecord entry => new(entry.Key, entry.Value, entry.ExpiresAt, entry.Version, null, "held"),
        SetRecord set => new(set.Key, set.Value, set.ExpiresAt, set.Seq, set.At, "set"),
        DeleteRecord delete => new(delete.Key, null, delete.Deadline, delete.Seq, delete.At, delete.Expired ? "expired" : "delete"),
        ExpireRecord expire => new(expire.Key, null, expire.ExpiresAt, expire.Seq, expire.At, expire.ExpiresAt is null ? "never-expire" : "expire"),
        PolicyRecord policy => new("", null, null, policy.Seq, policy.At, "policy"),
        ClearRecord clear => new("", null, null, clear.Seq, clear.At, "clear"),
        EraseRecord erase => new("", null, null, erase.Seq, erase.At, "erase"),
        _ => null,
    };

}
