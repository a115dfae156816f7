using System.Collections.Concurrent;
using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>
/// The buckets active on this silo that requests here may write (set, delete) without a grain call.
/// A call costs its messages, argument copies, callback and response bookkeeping (about a fifth of a
/// PUT's CPU, measured in docs/benchmarks.md); a direct write runs the same write on the bucket's own
/// scheduler, so it is still one turn of the bucket among its others. The bucket lists itself exactly
/// while it lists its map for direct reads (serving, not critical, not leaving), and a direct write
/// it cannot take as a call would be taken (another call in progress, a call due for idle accounting,
/// the first unstored change, the listing withdrawn meanwhile) answers "call me" instead. Thread-safe.
/// </summary>
public sealed class DirectWrites
{
    // A bucket written only here is called at least this often per idle age, so it never looks idle.
    private const int CallsPerIdleAge = 2;

    private readonly ConcurrentDictionary<string, BucketGrain> _listed = new(StringComparer.Ordinal);
    private readonly bool _enabled;

    /// <param name="enabled">False lists nothing: every write goes through a grain call.</param>
    /// <param name="idleAge">The least time without calls after which a bucket may be collected as idle (its idle timeout, or the shorter age memory pressure collects at).</param>
    public DirectWrites(bool enabled, TimeSpan idleAge)
    {
        _enabled = enabled;
        CallEvery = idleAge / CallsPerIdleAge;
    }

    /// <summary>Buckets listed now.</summary>
    public int Count => _listed.Count;

    /// <summary>How long a bucket takes direct writes after its last call before it asks for one.</summary>
    internal TimeSpan CallEvery { get; }

    /// <summary>
    /// Sets through bucket <paramref name="bucketId"/>'s own scheduler when it is listed here: the
    /// task gives the result, or <c>null</c> when the bucket must be called instead. Null (no task)
    /// when the bucket is not listed.
    /// </summary>
    public Task<WriteResult?>? TrySet(string bucketId, SetCommand command) =>
        _listed.TryGetValue(bucketId, out var bucket) ? bucket.SetDirectly(command) : null;

    /// <summary>Deletes <paramref name="key"/> through the bucket's own scheduler, as <see cref="TrySet"/>.</summary>
    public Task<WriteResult?>? TryDelete(string bucketId, string key, long? ifVersion) =>
        _listed.TryGetValue(bucketId, out var bucket) ? bucket.DeleteDirectly(key, ifVersion) : null;

    /// <summary>Lists <paramref name="bucket"/> as <paramref name="bucketId"/>'s writer, or withdraws it. Called by the owning bucket only.</summary>
    internal void List(string bucketId, BucketGrain bucket, bool listed)
    {
        if (listed && _enabled)
        {
            _listed[bucketId] = bucket;
        }
        else
        {
            _listed.TryRemove(KeyValuePair.Create(bucketId, bucket));
        }
    }
}
