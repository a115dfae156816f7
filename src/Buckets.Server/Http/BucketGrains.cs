using System.Collections.Concurrent;
using Buckets.Abstractions;
using Buckets.Core;

namespace Buckets.Server.Http;

/// <summary>
/// Bucket grain references for request handlers. <c>GetGrain&lt;IBucketGrain&gt;(id)</c> resolves the
/// grain and interface types by reflection on every call (about 1 µs and 1 KB per request, measured);
/// here they are resolved once, and the references of recently used buckets are kept (a reference
/// is immutable and thread-safe), so a request to a known bucket builds no grain id and no proxy.
/// Thread-safe.
/// </summary>
public sealed class BucketGrains
{
    // Bounded like the validated-key cache: dropped whole when full, so any number of buckets
    // costs at most this many references (about 150 B each).
    private const int MaxCachedReferences = 10_000;

    private readonly IGrainFactory _factory;
    private readonly DirectReads _directReads;
    private readonly GrainType _grainType;
    private readonly GrainInterfaceType _interfaceType;
    private readonly ConcurrentDictionary<string, IBucketGrain> _references = new(StringComparer.Ordinal);

    public BucketGrains(IGrainFactory factory, DirectReads directReads)
    {
        _factory = factory;
        _directReads = directReads;
        var prototype = (GrainReference)factory.GetGrain<IBucketGrain>("prototype");
        _grainType = prototype.GrainId.Type;
        _interfaceType = prototype.InterfaceType;
    }

    /// <summary>Reads one entry: from the bucket's map when it is active here and allows it (<see cref="DirectReads"/>), else through the grain.</summary>
    public ValueTask<BucketValue?> ReadAsync(string bucketId, string key) =>
        _directReads.TryRead(bucketId, key, out var value) ? ValueTask.FromResult(value) : Get(bucketId).GetAsync(key);

    public IBucketGrain Get(string bucketId)
    {
        if (_references.TryGetValue(bucketId, out var cached))
        {
            return cached;
        }

        var reference = (IBucketGrain)_factory.GetGrain(GrainId.Create(_grainType, bucketId), _interfaceType);
        if (_references.Count >= MaxCachedReferences)
        {
            _references.Clear();
        }

        _references[bucketId] = reference;
        return reference;
    }
}
