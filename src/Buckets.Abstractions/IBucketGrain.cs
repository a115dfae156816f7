using Buckets.Abstractions.Commands;

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

    /// <summary>
    /// Runs <paramref name="commands"/> in order with nothing in between (one grain call for a RESP
    /// pipeline or transaction), and returns one reply each; a command that fails answers with an
    /// error reply and the others still run, as in Redis. When any <paramref name="watched"/> key no
    /// longer has its version, nothing runs and the answer is <c>null</c> (EXEC after WATCH). A
    /// critical bucket returns only after the backup server stored the changes, and throws
    /// <see cref="BucketUnavailableException"/> when it could not confirm them.
    /// </summary>
    ValueTask<KeyReply[]?> RunAsync(IReadOnlyList<KeyCommand> commands, IReadOnlyList<WatchedKey>? watched = null);

    /// <summary>
    /// The change feed's read: up to <paramref name="maxChanges"/> changes after <paramref name="afterSeq"/>,
    /// in order and without gaps, from memory while the bucket still holds them, else from its backup
    /// server. When none is newer it waits up to <paramref name="wait"/> (bounded by
    /// <c>Buckets:Feed:MaxWait</c>) for the next change; the page is empty when none came. Runs
    /// interleaved with the bucket's other calls, so a waiting reader never holds up a write. The
    /// first read starts the bucket's in-memory window of recent changes; a bucket nobody reads keeps none.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    ValueTask<ChangePage> ReadChangesAsync(long afterSeq, int maxChanges, TimeSpan wait);

    /// <summary>Counts live entries and bytes and reports the policy and backup progress.</summary>
    ValueTask<BucketStats> GetStatsAsync();

    /// <summary>Replaces the bucket's policy and returns it; recorded with the backup server before it takes effect.</summary>
    ValueTask<BucketPolicy> SetPolicyAsync(BucketPolicy policy);

    /// <summary>
    /// The bucket's live entries as an Englang snapshot (UTF-8), in pieces of at most
    /// <c>Buckets:Grain:TransferChunkBytes</c> (one entry larger than that is one larger piece), so a
    /// bucket of any size exports without one buffer or one message holding it. The pieces, in order,
    /// make one snapshot of the state at the moment the first piece was asked for: writes made while
    /// it streams do not show. Its header counts the entries and its footer carries their digest, so
    /// a reader can tell a complete export from a cut one. Ask with <c>WithBatchSize(1)</c> so each
    /// message carries one piece.
    /// </summary>
    IAsyncEnumerable<byte[]> ExportAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the bucket's state with its backup at a change or a point in time (the latest when
    /// neither), read by the bucket itself so no erase can come between the read and the restore;
    /// recorded as a new change.
    /// </summary>
    ValueTask<RestoreResult> RestoreAsync(long? atSeq, DateTimeOffset? atTime);

    /// <summary>Erases the bucket from memory and from the backup server (an audit line remains, without data).</summary>
    ValueTask EraseAsync();
}
