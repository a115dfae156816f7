namespace Buckets.Client;

/// <summary>How <see cref="BucketsClient.SetAsync(string, ReadOnlyMemory{byte}, SetOptions?, CancellationToken)"/> writes.</summary>
public sealed record SetOptions
{
    /// <summary>Time to live, rounded up to whole seconds; the bucket's default TTL when <c>null</c>.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Write only over this version (If-Match); a different version throws <see cref="PreconditionFailedException"/>.</summary>
    public long? IfVersion { get; init; }

    /// <summary>Create only (If-None-Match: *); an existing entry throws <see cref="PreconditionFailedException"/>.</summary>
    public bool OnlyIfAbsent { get; init; }
}
