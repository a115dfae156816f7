namespace Buckets.Abstractions;

/// <summary>
/// One bucket: the entries owned by one API key id, keyed by that id.
/// All methods validate their input again and throw <see cref="ArgumentException"/> on bad input;
/// they throw <see cref="BucketUnavailableException"/> when the bucket cannot serve safely yet.
/// </summary>
public interface IBucketGrain : IGrainWithStringKey
{
    /// <summary>Reads a live entry, or <c>null</c> when it is absent or expired.</summary>
    ValueTask<BucketValue?> GetAsync(string key);

    /// <summary>Writes one entry, honouring its preconditions.</summary>
    ValueTask<WriteResult> SetAsync(SetCommand command);

    /// <summary>Deletes one entry; with <paramref name="ifVersion"/> only when the live entry has that version.</summary>
    ValueTask<WriteResult> DeleteAsync(string key, long? ifVersion);

    /// <summary>Lists live keys starting with <paramref name="prefix"/> that sort after <paramref name="after"/>, in UTF-8 byte order.</summary>
    ValueTask<KeyPage> ListKeysAsync(string prefix, string? after, int limit);

    /// <summary>Applies every operation or none: if any precondition fails, nothing changes.</summary>
    ValueTask<BatchResult> ApplyBatchAsync(IReadOnlyList<BatchOperation> operations);

    /// <summary>Counts live entries and bytes and reports the policy and backup progress.</summary>
    ValueTask<BucketStats> GetStatsAsync();

    /// <summary>Replaces the bucket's policy and returns it; recorded with the backup server before it takes effect.</summary>
    ValueTask<BucketPolicy> SetPolicyAsync(BucketPolicy policy);

    /// <summary>The bucket's live entries as an Englang snapshot (UTF-8).</summary>
    ValueTask<byte[]> ExportAsync();

    /// <summary>
    /// Replaces the bucket's state with its backup at a change or a point in time (the latest when
    /// neither), read by the bucket itself so no erase can come between the read and the restore;
    /// recorded as a new change.
    /// </summary>
    ValueTask<RestoreResult> RestoreAsync(long? atSeq, DateTimeOffset? atTime);

    /// <summary>Erases the bucket from memory and from the backup server (an audit line remains, without data).</summary>
    ValueTask EraseAsync();
}
