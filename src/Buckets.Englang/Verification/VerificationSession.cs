namespace Buckets.Englang;

/// <summary>Checks the records of one bucket, one at a time, across files.</summary>
internal sealed class VerificationSession : IDisposable
{
    private readonly List<EnglangError> _problems = [];
    private readonly SequenceTracker _sequence = new();
    private readonly SnapshotCheck _snapshot = new();
    private string? _bucketId;

    public IReadOnlyList<EnglangError> Problems => _problems;

    public long RecordCount { get; private set; }

    public string? BucketId => _bucketId;

    public long? FirstSeq => _sequence.First;

    public long? LastSeq => _sequence.Last;

    /// <summary>Checks one good record, given the raw bytes of its line (for the snapshot digest).</summary>
    public void Accept(string file, long line, EnglangRecord record, ReadOnlySpan<byte> rawLine)
    {
        RecordCount++;
        _bucketId ??= record.BucketId;
        if (!string.Equals(record.BucketId, _bucketId, StringComparison.Ordinal))
        {
            Report(file, line, $"the record is for bucket \"{record.BucketId}\" but these files are for bucket \"{_bucketId}\"");
        }

        if (_snapshot.IsOpen && record is not (SnapshotEntryRecord or SnapshotFooterRecord))
        {
            Report(file, line, $"expected a snapshot entry or the end of the snapshot begun on line {_snapshot.HeaderLine}");
            _snapshot.Abandon();
        }

        switch (record)
        {
            case IChangeRecord change:
                Check(file, line, _sequence.CheckChange(change.Seq));
                _sequence.Advance(change.Seq);
                break;
            case SnapshotHeaderRecord header:
                Check(file, line, _sequence.CheckSnapshot(header.Seq));
                _sequence.Advance(header.Seq);
                _snapshot.Begin(header, line, rawLine);
                break;
            case SnapshotEntryRecord entry:
                Check(file, line, _snapshot.IsOpen ? _snapshot.AddEntry(entry.Key, entry.Version, rawLine) : "a snapshot entry outside a snapshot (no snapshot was begun)");
                break;
            case SnapshotFooterRecord footer:
                Check(file, line, _snapshot.IsOpen ? _snapshot.End(footer) : "the end of a snapshot that was never begun");
                break;
        }
    }

    /// <summary>A snapshot must begin and end in the same file.</summary>
    public void EndOfFile(string file, long lastLine)
    {
        if (_snapshot.IsOpen)
        {
            Report(file, lastLine, $"the snapshot begun on line {_snapshot.HeaderLine} has no end in this file");
            _snapshot.Abandon();
        }
    }

    public void Dispose() => _snapshot.Dispose();

    private void Check(string file, long line, string? problem)
    {
        if (problem is not null)
        {
            Report(file, line, problem);
        }
    }

    private void Report(string file, long line, string message) => _problems.Add(new EnglangError(file, line, message));
}
