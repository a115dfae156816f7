using System.Text;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// The entries of one bucket with versions, expiry and a change sequence. One writer: the owning
/// grain serialises calls; other threads may only <see cref="Peek"/>. Expired entries are invisible at once (lazy check) and are
/// reclaimed in bounded slices by <see cref="ReclaimExpired"/>. Keys are held as UTF-8 next to
/// their values (<see cref="EntryTable"/>), because bytes per entry is what a cache is judged by.
/// </summary>
public sealed partial class BucketMap
{
    // Keys up to this many UTF-16 chars are encoded on the stack (3 UTF-8 bytes per char at most).
    private const int StackKeyChars = 341;

    private readonly EntryTable _table = new();
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

    /// <summary>The latest changes kept for the change feed while someone follows the bucket; <c>null</c> keeps none.</summary>
    public ChangeWindow? Feed { get; set; }

    /// <summary>Entries reclaimed because they expired, since creation.</summary>
    public long Expirations { get; private set; }

    /// <summary>Stored entries, including expired ones not reclaimed yet.</summary>
    public int StoredCount => _table.Count;

    /// <summary>Key plus value bytes stored, including expired entries not reclaimed yet.</summary>
    public long StoredBytes => _bytes;

    /// <summary>True when <see cref="TrimExcess"/> would give back enough spare capacity to be worth its O(entries) copy.</summary>
    public bool WorthTrimming => _table.WorthTrimming || Journal?.WorthTrimming == true;

    /// <summary>
    /// Gives back the spare capacity growth left (slots and arena chunk tails, dead bytes of replaced
    /// entries), keeping every entry, version and expiry where lookups and the expiry heap find them.
    /// For a bucket gone quiet: the next growth doubles again.
    /// </summary>
    public void TrimExcess()
    {
        lock (_gate)
        {
            _table.TrimExcess();
        }

        Journal?.TrimExcess();
    }

    /// <summary>Reads a live entry (its value is a copy); an expired one is removed and reported absent.</summary>
    public bool TryGet(string key, DateTimeOffset now, out BucketEntry entry)
    {
        Span<byte> scratch = stackalloc byte[StackKeyChars * 3];
        var slot = FindLive(Utf8(key, scratch), now);
        entry = slot < 0 ? default : EntryAt(slot);
        return slot >= 0;
    }

    /// <summary>Writes an entry when its preconditions hold and the limits allow it.</summary>
    public WriteResult Set(string key, byte[] value, DateTimeOffset? expiresAt, long? ifVersion, bool createOnly, DateTimeOffset now)
    {
        Span<byte> scratch = stackalloc byte[StackKeyChars * 3];
        var utf8 = Utf8(key, scratch);
        var slot = FindLive(utf8, now);
        var current = StateAt(slot);
        if (SetRefusal(current, utf8.Length + value.Length, ifVersion, createOnly, default, now) is { } refusal)
        {
            return new WriteResult(refusal, 0);
        }

        var seq = Record(ChangeKind.Set, now, key, value, expiresAt);
        Store(utf8, slot, value, seq, expiresAt?.UtcTicks ?? 0);
        return new WriteResult(current.Exists ? WriteOutcome.Replaced : WriteOutcome.Created, seq);
    }

    /// <summary>Deletes a live entry when its version precondition holds.</summary>
    public WriteResult Delete(string key, long? ifVersion, DateTimeOffset now)
    {
        Span<byte> scratch = stackalloc byte[StackKeyChars * 3];
        var slot = FindLive(Utf8(key, scratch), now);
        if (DeleteRefusal(StateAt(slot), ifVersion) is { } refusal)
        {
            return new WriteResult(refusal, 0);
        }

        if (slot < 0)
        {
            return new WriteResult(WriteOutcome.NotFound, 0);
        }

        var seq = Record(ChangeKind.Delete, now, key);
        Remove(slot);
        return new WriteResult(WriteOutcome.Deleted, seq);
    }

    /// <summary>Counts live entries and bytes after reclaiming everything expired.</summary>
    public (long Entries, long Bytes, DateTimeOffset? OldestExpiry) Measure(DateTimeOffset now)
    {
        ReclaimExpired(now, int.MaxValue);
        return (_table.Count, _bytes, OldestExpiry());
    }

    /// <summary>Enumerates live entries (unordered, keys decoded, values copied). The map must not change while enumerating.</summary>
    public IEnumerable<KeyValuePair<string, BucketEntry>> LiveEntries(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (_table.IsLive(slot) && !IsExpired(slot, nowTicks))
            {
                yield return new(Encoding.UTF8.GetString(_table.Key(slot)), EntryAt(slot));
            }
        }
    }

    /// <summary>Loads a saved entry without recording a change (rehydration from a backup).</summary>
    public void Load(string key, BucketEntry entry)
    {
        var utf8 = Encoding.UTF8.GetBytes(key);
        Store(utf8, _table.Find(utf8, EntryTable.Hash(utf8)), entry.Value, entry.Version, entry.ExpiresAtTicks);
    }

    /// <summary>Sets the change sequence after loading saved state, or when a snapshot recorded elsewhere becomes a change.</summary>
    public void ResetSequence(long lastSeq) => LastSeq = lastSeq;

    /// <summary>Drops every entry without recording a change (erase, or replacing state on restore).</summary>
    public void RemoveAll()
    {
        lock (_gate)
        {
            _table.Clear();
        }

        _bytes = 0;
        ClearExpiryIndex();
    }

    /// <summary>The live entry's version and key plus value bytes, without copying its value.</summary>
    private KeyState LiveState(string key, DateTimeOffset now)
    {
        Span<byte> scratch = stackalloc byte[StackKeyChars * 3];
        return StateAt(FindLive(Utf8(key, scratch), now));
    }

    private KeyState StateAt(int slot) =>
        slot < 0 ? KeyState.Absent : new KeyState(_table.Version(slot), _table.PayloadBytes(slot));

    private static ReadOnlySpan<byte> Utf8(string key, Span<byte> scratch) =>
        key.Length <= StackKeyChars ? scratch[..Encoding.UTF8.GetBytes(key, scratch)] : Encoding.UTF8.GetBytes(key);

    private BucketEntry EntryAt(int slot)
    {
        var value = _table.Value(slot, out var expiresAtTicks);
        return new(value.ToArray(), _table.Version(slot), expiresAtTicks);
    }

    private bool IsExpired(int slot, long nowTicks) => _table.ExpiresAtTicks(slot) is var at && at != 0 && at <= nowTicks;

    /// <summary>The slot of a live entry, or -1; an expired entry found on the way is removed.</summary>
    private int FindLive(ReadOnlySpan<byte> key, DateTimeOffset now)
    {
        var slot = _table.Find(key, EntryTable.Hash(key));
        if (slot < 0 || !IsExpired(slot, now.UtcTicks))
        {
            return slot;
        }

        RemoveExpired(slot, now);
        return -1;
    }

    private long Record(ChangeKind kind, DateTimeOffset now, string key, byte[]? value = null, DateTimeOffset? expiresAt = null)
    {
        LastSeq++;
        // The journal holds changes as bytes: a change object is made only for a feed that keeps it.
        Journal?.Append(LastSeq, now, kind, key, value, expiresAt);
        Feed?.Append(new BucketChange(LastSeq, now, kind, key, value, expiresAt));
        return LastSeq;
    }

    /// <summary>Adds the entry (<paramref name="slot"/> &lt; 0) or replaces the one in <paramref name="slot"/>.</summary>
    private void Store(ReadOnlySpan<byte> key, int slot, byte[] value, long version, long expiresAtTicks)
    {
        lock (_gate)
        {
            if (slot >= 0)
            {
                _bytes -= _table.PayloadBytes(slot);
                _table.Replace(slot, value, version, expiresAtTicks);
            }
            else
            {
                slot = _table.Add(key, EntryTable.Hash(key), value, version, expiresAtTicks);
            }
        }

        _bytes += key.Length + value.Length;
        if (expiresAtTicks != 0)
        {
            TrackExpiry(slot, version, expiresAtTicks);
        }
    }

    private void Remove(int slot)
    {
        _bytes -= _table.PayloadBytes(slot);
        lock (_gate)
        {
            _table.Remove(slot);
        }
    }

    /// <summary>
    /// An expiry is a change like any other: numbered, journaled for the backup server and reported
    /// by the feed, with the deadline it reached. Only a bucket that records changes decodes the key.
    /// </summary>
    private void RemoveExpired(int slot, DateTimeOffset now)
    {
        if (Journal is not null || Feed is not null)
        {
            var key = Encoding.UTF8.GetString(_table.Key(slot));
            Record(ChangeKind.Expired, now, key, null, Ticks(_table.ExpiresAtTicks(slot)));
        }
        else
        {
            LastSeq++;
        }

        Remove(slot);
        Expirations++;
    }
}
