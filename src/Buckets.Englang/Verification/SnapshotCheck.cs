namespace Buckets.Englang;

/// <summary>Checks one snapshot while it is read: entry count, versions, duplicate keys and digest.</summary>
internal sealed class SnapshotCheck : IDisposable
{
    private readonly SnapshotDigest _digest = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private SnapshotHeaderRecord? _header;
    private long _entries;
    private bool _withDigest;

    public bool IsOpen => _header is not null;

    public long HeaderLine { get; private set; }

    /// <summary>The header of the open snapshot.</summary>
    public SnapshotHeaderRecord? Header => _header;

    /// <summary>Opens a snapshot; an empty <paramref name="rawLine"/> means lines are unknown and the digest is not checked.</summary>
    public void Begin(SnapshotHeaderRecord header, long line, ReadOnlySpan<byte> rawLine)
    {
        Abandon();
        _header = header;
        HeaderLine = line;
        _withDigest = !rawLine.IsEmpty;
        if (_withDigest)
        {
            _digest.AppendLineWithoutNewline(rawLine);
        }
    }

    /// <summary>Adds an entry; returns a problem message or null.</summary>
    public string? AddEntry(string key, long version, ReadOnlySpan<byte> rawLine)
    {
        _entries++;
        if (_withDigest)
        {
            _digest.AppendLineWithoutNewline(rawLine);
        }

        if (!_keys.Add(key))
        {
            return "the snapshot holds this key twice";
        }

        return version > _header!.Seq
            ? $"the entry was last written by change {version}, after the snapshot's change {_header.Seq}"
            : null;
    }

    /// <summary>Closes the snapshot; returns the mismatches found, or null.</summary>
    public string? End(SnapshotFooterRecord footer)
    {
        var header = _header!;
        var digest = _digest.Finish();
        var problems = new List<string>();
        if (footer.Seq != header.Seq)
        {
            problems.Add($"the snapshot ends as of change {footer.Seq} but began as of change {header.Seq}");
        }

        if (footer.EntryCount != header.EntryCount || footer.EntryCount != _entries)
        {
            problems.Add($"snapshot entry count mismatch: the header says {header.EntryCount}, the footer says {footer.EntryCount}, and {_entries} entry lines were read");
        }

        if (_withDigest && !string.Equals(footer.Digest, digest, StringComparison.Ordinal))
        {
            problems.Add($"snapshot digest mismatch: the footer says {footer.Digest} but the header and entry lines hash to {digest}");
        }

        Reset();
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    public void Abandon()
    {
        if (_header is not null)
        {
            _digest.Finish();
        }

        Reset();
    }

    public void Dispose() => _digest.Dispose();

    private void Reset()
    {
        _header = null;
        _entries = 0;
        _keys.Clear();
    }
}
