using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Buckets.Core;

/// <summary>
/// A string-keyed cache of at most <c>capacity</c> entries, dropped whole when full: any number of
/// distinct keys costs bounded memory, and a hit is one lookup with no bookkeeping. For values that
/// are cheap to make again (a grain reference, a proven signature). Thread-safe.
/// </summary>
public sealed class BoundedCache<TValue>(int capacity)
{
    private readonly ConcurrentDictionary<string, TValue> _entries = new(StringComparer.Ordinal);

    // Counted apart: ConcurrentDictionary.Count takes every lock of the table, and with more keys in
    // use than the cache holds, every call is a miss that would read it.
    private int _added;

    public bool TryGet(string key, [MaybeNullWhen(false)] out TValue value) => _entries.TryGetValue(key, out value);

    public bool TryGet(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out TValue value) =>
        _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out value);

    public void Add(string key, TValue value)
    {
        if (Interlocked.Increment(ref _added) > capacity)
        {
            _entries.Clear();
            Volatile.Write(ref _added, 0);
        }

        _entries[key] = value;
    }
}
