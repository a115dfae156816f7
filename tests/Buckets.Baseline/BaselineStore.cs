using System.Collections.Concurrent;

namespace Buckets.Baseline;

/// <summary>The only state of the baseline: key to value bytes, shared by every request.</summary>
internal static class BaselineStore
{
    public static ConcurrentDictionary<string, byte[]> Entries { get; } = new(StringComparer.Ordinal);
}
