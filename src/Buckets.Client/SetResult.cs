namespace Buckets.Client;

/// <summary>The outcome of a successful write.</summary>
/// <param name="Version">The entry's new version.</param>
/// <param name="Created">True when the key was new, false when an entry was replaced.</param>
public sealed record SetResult(long Version, bool Created);
