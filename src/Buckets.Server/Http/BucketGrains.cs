using Buckets.Abstractions;
using Buckets.Core;

namespace Buckets.Server.Http;

/// <summary>
/// Bucket grains for request handlers: reads from the bucket's map when it is active here
/// (<see cref="DirectReads"/>), everything else through the grain's cached reference
/// (<see cref="GrainReferences{TGrain}"/>). Thread-safe.
/// </summary>
public sealed class BucketGrains(GrainReferences<IBucketGrain> references, DirectReads directReads)
{
    /// <summary>Reads one entry: from the bucket's map when it is active here and allows it (<see cref="DirectReads"/>), else through the grain.</summary>
    public ValueTask<BucketValue?> ReadAsync(string bucketId, string key) =>
        directReads.TryRead(bucketId, key, out var value) ? ValueTask.FromResult(value) : Get(bucketId).GetAsync(key);

    public IBucketGrain Get(string bucketId) => references.Get(bucketId);
}
