using System.Text;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// The entries of one bucket with versions, expiry and a change sequence. Not thread-safe: the
/// owning grain serialises calls. Expired entries are invisible at once (lazy check) and are
/// reclaimed in bounded slices by <see cref="ReclaimExpired"/>.
/// </summary>
public sealed partial class BucketMap
{
    private readonly Dictionary<string, BucketEntry> _entries = new(StringComparer.Ordinal);
    private readonly LimitsOptions _limits;
    private long _bytes;

    public BucketMap(LimitsOptions limits, long lastSeq = 0)
    {
        _limits = limits;
        LastSeq = lastSeq;
    }

    /// <summary>The sequence number of the latest change; every change adds one.</summary>
    public long LastSeq { get; private set; }

    /// <summary>Where changes are recorded for the backup server; <c>null</c> records nothing.</summary>
    public ChangeJournal? Journal { get; set; }

    /// <summary>Entries reclaimed because they expired, since creation.</summary>
    public long Expirations { get; private set; }

    /// <summary>Stored entries, including expired ones not reclaimed yet.</summary>
    public int StoredCount => _entries.Count;

    /// <summary>Key plus value bytes stored, including expired entries not reclaimed yet.</summary>
    public long StoredBytes => _bytes;

    /// <summary>Reads a live entry; an expired one is removed and reported absent.</summary>
    public bool TryGet(string key, DateTimeOffset now, out BucketEntry entry)
    {
        if (!_entries.TryGetValue(key, out entry))
        {
            return false;
        }

        if (!entry.IsExpiredAt(now.UtcTicks))
        {
            return true;
        }

        RemoveExpired(key, entry);
        return false;
    }

    /// <summary>Writes an entry when its preconditions hold and the limits allow it.</summary>
    public WriteResult Set(string key, byte[] value, DateTimeOffset? expiresAt, long? ifVersion, bool createOnly, DateTimeOffset now)
    {
        var exists = TryGet(key, now, out var current);
        var refusal = CheckSet(exists, exists ? current.Version : null, ifVersion, createOnly);
        if (refusal is not null)
        {
            return new WriteResult(refusal.Value, 0);
        }

        var keyBytes = Encoding.UTF8.GetByteCount(key);
        var growth = keyBytes + value.Length - (exists ? keyBytes + current.Value.Length : 0);
        if (!HasRoomFor(exists ? 0 : 1, growth, now))
        {
            return new WriteResult(WriteOutcome.BucketFull, 0);
        }

        var seq = Record(ChangeKind.Set, now, key, value, expiresAt);
        Store(key, new BucketEntry(value, seq, expiresAt?.UtcTicks ?? 0), exists ? current : null);
        return new WriteResult(exists ? WriteOutcome.Replaced : WriteOutcome.Created, seq);
    }

    /// <summary>Deletes a live entry when its version precondition holds.</summary>
    public WriteResult Delete(string key, long? ifVersion, DateTimeOffset now)
    {
        if (!TryGet(key, now, out var current))
        {
            return new WriteResult(ifVersion is null ? WriteOutcome.NotFound : WriteOutcome.VersionMismatch, 0);
        }

        if (ifVersion is not null && ifVersion != current.Version)
        {
            return new WriteResult(WriteOutcome.VersionMismatch, 0);
        }

        var seq = Record(ChangeKind.Delete, now, key);
        Remove(key, current);
        return new WriteResult(WriteOutcome.Deleted, seq);
    }

    /// <summary>Counts live entries and bytes after reclaiming everything expired.</summary>
    public (long Entries, long Bytes, DateTimeOffset? OldestExpiry) Measure(DateTimeOffset now)
    {
        ReclaimExpired(now, int.MaxValue);
        return (_entries.Count, _bytes, OldestExpiry());
    }

    /// <summary>Enumerates live entries (unordered). The map must not change while enumerating.</summary>
    public IEnumerable<KeyValuePair<string, BucketEntry>> LiveEntries(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        foreach (var pair in _entries)
        {
            if (!pair.Value.IsExpiredAt(nowTicks))
            {
                yield return pair;
            }
        }
    }

    /// <summary>Loads a saved entry without recording a change (rehydration from a backup).</summary>
    public void Load(string key, BucketEntry entry)
    {
        Store(key, entry, _entries.TryGetValue(key, out var previous) ? previous : null);
    }

    /// <summary>Sets the change sequence after loading saved state, or when a snapshot recorded elsewhere becomes a change.</summary>
    public void ResetSequence(long lastSeq) => LastSeq = lastSeq;

    /// <summary>Drops every entry without recording a change (erase, or replacing state on restore).</summary>
    public void RemoveAll()
    {
        _entries.Clear();
        _bytes = 0;
        ClearExpiryIndex();
    }

    private static WriteOutcome? CheckSet(bool exists, long? currentVersion, long? ifVersion, bool createOnly)
    {
        if (createOnly && exists)
        {
            return WriteOutcome.AlreadyExists;
        }

        return ifVersion is not null && ifVersion != currentVersion ? WriteOutcome.VersionMismatch : null;
    }

    private bool HasRoomFor(long newEntries, long growth, DateTimeOffset now)
    {
        if (Fits(newEntries, growth))
        {
            return true;
        }

        // Expired entries still occupy room until reclaimed; reclaim them all before refusing.
        ReclaimExpired(now, int.MaxValue);
        return Fits(newEntries, growth);
    }

    private bool Fits(long newEntries, long growth) =>
        _entries.Count + newEntries <= _limits.MaxEntriesPerBucket && _bytes + growth <= _limits.MaxBytesPerBucket;

    private long Record(ChangeKind kind, DateTimeOffset now, string key, byte[]? value = null, DateTimeOffset? expiresAt = null)
    {
        LastSeq++;
        Journal?.Append(new BucketChange(LastSeq, now, kind, key, value, expiresAt));
        return LastSeq;
    }

    private void Store(string key, BucketEntry entry, BucketEntry? previous)
    {
        if (previous is { } old)
        {
            _bytes -= Encoding.UTF8.GetByteCount(key) + old.Value.Length;
        }

        _entries[key] = entry;
        _bytes += Encoding.UTF8.GetByteCount(key) + entry.Value.Length;
        if (entry.ExpiresAtTicks != 0)
        {
            TrackExpiry(key, entry.ExpiresAtTicks);
        }
    }

    private void Remove(string key, BucketEntry entry)
    {
        _entries.Remove(key);
        _bytes -= Encoding.UTF8.GetByteCount(key) + entry.Value.Length;
    }

    private void RemoveExpired(string key, BucketEntry entry)
    {
        Remove(key, entry);
        Expirations++;
    }
}
