using System.Text;

namespace Buckets.Client;

/// <summary>One live entry read with <see cref="BucketsClient.GetAsync"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value bytes.</param>
/// <param name="Version">The entry's version (its ETag): pass it as <see cref="SetOptions.IfVersion"/> to compare and set.</param>
/// <param name="ExpiresAt">When the entry expires, or <c>null</c> when it never does.</param>
/// <param name="IsText">True when the server sent it as UTF-8 text.</param>
public sealed record BucketEntry(string Key, byte[] Value, long Version, DateTimeOffset? ExpiresAt, bool IsText)
{
    /// <summary>The value decoded as UTF-8.</summary>
    public string AsString() => Encoding.UTF8.GetString(Value);
}
