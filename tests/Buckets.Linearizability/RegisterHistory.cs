using System.Collections.Concurrent;
using System.Diagnostics;

namespace Buckets.Linearizability;

/// <summary>
/// A thread-safe record of register operations as clients perform them, timed by a monotonic
/// clock (a wall-clock step would reorder operations that did not overlap).
/// </summary>
public sealed class RegisterHistory
{
    private readonly ConcurrentQueue<RegisterOperation> _operations = new();
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
    private readonly long _originTimestamp = Stopwatch.GetTimestamp();

    /// <summary>Now, on the history's clock: use it for every invocation and response.</summary>
    public DateTimeOffset Now => _origin + Stopwatch.GetElapsedTime(_originTimestamp);

    public void Add(RegisterOperation operation) => _operations.Enqueue(operation);

    /// <summary>The operations recorded so far whose key matches <paramref name="keys"/> (every one when null).</summary>
    public IReadOnlyList<RegisterOperation> Operations(Func<string, bool>? keys = null) =>
        [.. _operations.Where(operation => keys is null || keys(operation.Key))];
}
