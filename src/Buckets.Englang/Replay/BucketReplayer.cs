using System.Runtime.InteropServices;
using System.Text;

namespace Buckets.Englang;

/// <summary>
/// Rebuilds a bucket by applying its records in order.
/// <list type="bullet">
/// <item><c>static ReplayResult Replay(IEnumerable&lt;EnglangRecord&gt; records, ReplayOptions options)</c></item>
/// <item><c>static ReplayResult ReplayFiles(IEnumerable&lt;string&gt; paths, ReplayOptions options)</c> and <c>Replay(IEnumerable&lt;(string Name, Stream Content)&gt;, ReplayOptions)</c>: also check snapshot digests and report corrupt lines.</item>
/// <item>Incremental: <c>new BucketReplayer(options)</c>, <c>bool Apply(EnglangRecord)</c>, <c>ReplayState GetState()</c>.</item>
/// </list>
/// Set, delete, expire, policy, erase (empties the bucket and resets the policy) and clear
/// (empties the bucket, keeps the policy) apply as their names say; a complete snapshot replaces the
/// whole state and sets the last change to its own. A sequence gap or overlap, a snapshot that does
/// not add up, or a record for another bucket stops the replay with an error; nothing throws.
/// </summary>
public sealed partial class BucketReplayer : IDisposable
{
    private const string EntryOutsideSnapshot = "a snapshot entry outside a snapshot (no snapshot was begun)";

    // Keys up to this many characters are looked up from the line's bytes without making a string.
    private const int StackKeyChars = 256;

    private readonly ReplayOptions _options;
    private readonly SequenceTracker _sequence = new();
    private readonly SnapshotCheck _snapshot = new();
    private Dictionary<string, ReplayEntry> _entries = new(StringComparer.Ordinal);
    private Dictionary<string, ReplayEntry> _snapshotEntries = new(StringComparer.Ordinal);
    private string? _bucketId;
    private string _durability = ReplayState.DefaultDurability;
    private TimeSpan? _defaultTtl;
    private bool _erased;

    /// <summary>Starts from an empty bucket with the default policy.</summary>
    public BucketReplayer(ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>True once a record beyond the stop point was met; later records are ignored.</summary>
    public bool IsStopped { get; private set; }

    /// <summary>The error that stopped the replay, if any; later records are ignored.</summary>
    public string? Error { get; private set; }

    /// <summary>True while a snapshot has begun and not yet ended.</summary>
    public bool InSnapshot => _snapshot.IsOpen;

    /// <summary>Applies one record; false when it was not applied (see <see cref="IsStopped"/> and <see cref="Error"/>).</summary>
    public bool Apply(EnglangRecord record) => Apply(record, default);

    /// <summary>Fails the replay when the input ends inside a snapshot.</summary>
    public bool Complete() =>
        !_snapshot.IsOpen || IsStopped || Error is not null
        || Fail($"the input ended inside the snapshot as of change {_snapshot.Header!.Seq}");

    /// <summary>The state reached: live entries at the target time (unless expired ones are included), last change, policy.</summary>
    public ReplayState GetState()
    {
        var target = _options.TargetTime;
        var entries = new Dictionary<string, ReplayEntry>(_entries.Count, StringComparer.Ordinal);
        foreach (var (key, entry) in _entries)
        {
            if (_options.IncludeExpired || entry.ExpiresAt is not { } expiresAt || expiresAt > target)
            {
                entries.Add(key, entry);
            }
        }

        return new ReplayState
        {
            Entries = entries,
            LastSeq = _sequence.Last ?? 0,
            Durability = _durability,
            DefaultTtl = _defaultTtl,
            Erased = _erased,
        };
    }

    /// <summary>Releases the snapshot digest.</summary>
    public void Dispose() => _snapshot.Dispose();

    /// <summary>Applies a record; <paramref name="rawLine"/> (when known) lets snapshot digests be checked.</summary>
    internal bool Apply(EnglangRecord record, ReadOnlySpan<byte> rawLine)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Accepts(record.BucketId))
        {
            return false;
        }

        if (_snapshot.IsOpen)
        {
            return ApplyInsideSnapshot(record, rawLine);
        }

        switch (record)
        {
            case SnapshotHeaderRecord header:
                if (ShouldStop(header.Seq, header.At))
                {
                    return false;
                }

                if (_sequence.CheckSnapshot(header.Seq) is { } snapshotProblem)
                {
                    return Fail(snapshotProblem);
                }

                _snapshot.Begin(header, 0, rawLine);
                _snapshotEntries = new Dictionary<string, ReplayEntry>(StringComparer.Ordinal);
                return true;
            case SnapshotEntryRecord:
                return Fail(EntryOutsideSnapshot);
            case SnapshotFooterRecord:
                return Fail("the end of a snapshot that was never begun");
            case IChangeRecord change:
                if (!Admit(change.Seq, record.At))
                {
                    return false;
                }

                ApplyChange(record);
                _sequence.Advance(change.Seq);
                return true;
            default:
                return Fail($"unknown record type {record.GetType().Name}");
        }
    }

    /// <summary>
    /// Applies one line's event as <see cref="Apply(EnglangRecord, ReadOnlySpan{byte})"/> applies its
    /// record, but a set, deletion or snapshot entry (nearly every line) without making its record, and
    /// a key already held without making its string: a replay of a million changes allocated mostly those.
    /// </summary>
    internal bool Apply(DateTimeOffset at, string bucketId, in LineEvent parsed, ReadOnlySpan<byte> rawLine)
    {
        if (parsed.Kind == LineEventKind.Other)
        {
            return Apply(parsed.Record!, rawLine);
        }

        if (!Accepts(bucketId))
        {
            return false;
        }

        if (parsed.Kind == LineEventKind.Held)
        {
            if (!_snapshot.IsOpen)
            {
                return Fail(EntryOutsideSnapshot);
            }

            return AddSnapshotEntry(parsed.Key.ToKey(), new ReplayEntry(parsed.Value.ToArray(), parsed.ExpiresAt, parsed.Seq), rawLine);
        }

        if (_snapshot.IsOpen)
        {
            return Fail(ExpectedInsideSnapshot());
        }

        if (!Admit(parsed.Seq, at))
        {
            return false;
        }

        if (parsed.Kind == LineEventKind.Set)
        {
            Set(parsed.Key, new ReplayEntry(parsed.Value.ToArray(), parsed.ExpiresAt, parsed.Seq));
        }
        else
        {
            Remove(parsed.Key);
        }

        _sequence.Advance(parsed.Seq);
        return true;
    }

    private bool AddSnapshotEntry(string key, ReplayEntry entry, ReadOnlySpan<byte> rawLine)
    {
        if (_snapshot.AddEntry(key, entry.Version, rawLine) is { } problem)
        {
            return Fail(problem);
        }

        _snapshotEntries[key] = entry;
        return true;
    }

    private void Set(in KeyText key, ReplayEntry entry)
    {
        _erased = false;
        if (key.Decoded is not null || key.Plain.Length > StackKeyChars)
        {
            _entries[key.ToKey()] = entry;
            return;
        }

        Span<char> chars = stackalloc char[StackKeyChars];
        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        CollectionsMarshal.GetValueRefOrAddDefault(lookup, Widen(key.Plain, chars), out _) = entry;
    }

    private void Remove(in KeyText key)
    {
        if (key.Decoded is not null || key.Plain.Length > StackKeyChars)
        {
            _entries.Remove(key.ToKey());
            return;
        }

        Span<char> chars = stackalloc char[StackKeyChars];
        _entries.GetAlternateLookup<ReadOnlySpan<char>>().Remove(Widen(key.Plain, chars));
    }

    /// <summary>A plain key's characters: its ASCII bytes, one each.</summary>
    private static ReadOnlySpan<char> Widen(ReadOnlySpan<byte> ascii, Span<char> chars)
    {
        Ascii.ToUtf16(ascii, chars, out var written);
        return chars[..written];
    }

    /// <summary>False (and the record ignored) once the replay stopped or failed, or for a record of another bucket (which fails it).</summary>
    private bool Accepts(string bucketId)
    {
        if (IsStopped || Error is not null)
        {
            return false;
        }

        _bucketId ??= bucketId;
        return string.Equals(bucketId, _bucketId, StringComparison.Ordinal)
            || Fail($"the record is for bucket \"{bucketId}\" but bucket \"{_bucketId}\" is being replayed");
    }

    /// <summary>True when change <paramref name="seq"/> is next and within the stop point; false when it stops or fails the replay.</summary>
    private bool Admit(long seq, DateTimeOffset at)
    {
        if (ShouldStop(seq, at))
        {
            return false;
        }

        return _sequence.CheckChange(seq) is not { } problem || Fail(problem);
    }

    private string ExpectedInsideSnapshot() => $"expected a snapshot entry or the end of the snapshot as of change {_snapshot.Header!.Seq}";

    private bool ApplyInsideSnapshot(EnglangRecord record, ReadOnlySpan<byte> rawLine)
    {
        switch (record)
        {
            case SnapshotEntryRecord entry:
                return AddSnapshotEntry(entry.Key, new ReplayEntry(entry.Value, entry.ExpiresAt, entry.Version), rawLine);
            case SnapshotFooterRecord footer:
                var header = _snapshot.Header!;
                if (_snapshot.End(footer) is { } footerProblem)
                {
                    return Fail(footerProblem);
                }

                (_entries, _snapshotEntries) = (_snapshotEntries, new Dictionary<string, ReplayEntry>(StringComparer.Ordinal));
                _durability = header.Durability;
                _defaultTtl = header.DefaultTtl;
                _erased = false;
                _sequence.Advance(header.Seq);
                return true;
            default:
                return Fail(ExpectedInsideSnapshot());
        }
    }

    private void ApplyChange(EnglangRecord record)
    {
        switch (record)
        {
            case SetRecord set:
                _entries[set.Key] = new ReplayEntry(set.Value, set.ExpiresAt, set.Seq);
                _erased = false;
                break;
            case DeleteRecord delete:
                _entries.Remove(delete.Key);
                break;
            case ExpireRecord expire when _entries.TryGetValue(expire.Key, out var entry):
                _entries[expire.Key] = entry with { ExpiresAt = expire.ExpiresAt, Version = expire.Seq };
                break;
            case PolicyRecord policy:
                _durability = policy.Durability;
                _defaultTtl = policy.DefaultTtl;
                break;
            case EraseRecord:
                _entries.Clear();
                _durability = ReplayState.DefaultDurability;
                _defaultTtl = null;
                _erased = true;
                break;
            case ClearRecord:
                _entries.Clear();
                break;
        }
    }

    private bool ShouldStop(long seq, DateTimeOffset at)
    {
        if ((_options.StopAtSeq is { } stopSeq && seq > stopSeq) || (_options.StopAtTime is { } stopTime && at > stopTime))
        {
            IsStopped = true;
        }

        return IsStopped;
    }

    private bool Fail(string message)
    {
        Error ??= message;
        return false;
    }
}
