using Buckets.Abstractions;
using Buckets.Core;
using Buckets.Grains;

namespace Buckets.Server.Http;

/// <summary>
/// Bucket grains for request handlers: reads from the bucket's map and sets on its scheduler when it
/// is active here (<see cref="DirectReads"/>, <see cref="DirectWrites"/>), everything else through
/// the grain's cached reference (<see cref="GrainReferences{TGrain}"/>). Thread-safe.
/// </summary>
public sealed class BucketGrains(GrainReferences<IBucketGrain> references, DirectReads directReads, DirectWrites directWrites)
{
    /// <summary>Reads one entry: from the bucket's map when it is active here and allows it (<see cref="DirectReads"/>), else through the grain.</summary>
    public ValueTask<BucketValue?> ReadAsync(string bucketId, string key) =>
        directReads.TryRead(bucketId, key, out var value) ? ValueTask.FromResult(value) : Get(bucketId).GetAsync(key);

    /// <summary>Sets one entry: on the bucket's scheduler when it is active here and takes it (<see cref="DirectWrites"/>), else through a call.</summary>
    public async ValueTask<WriteResult> SetAsync(string bucketId, SetCommand command) =>
        (directWrites.TrySet(bucketId, command) is { } direct ? await direct : null) ?? await Get(bucketId).SetAsync(command);

    /// <summary>Deletes one entry, directly or through a call as <see cref="SetAsync"/>.</summary>
    public async ValueTask<WriteResult> DeleteAsync(string bucketId, string key, long? ifVersion) =>
        (directWrites.TryDelete(bucketId, key, ifVersion) is { } direct ? await direct : null) ?? await Get(bucketId).DeleteAsync(key, ifVersion);

    public IBucketGrain Get(string bucketId) => references.Get(bucketId);
}
