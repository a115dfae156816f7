namespace Buckets.Englang;

/// <summary>
/// Reads the records of one Englang file or stream, never throwing on malformed content.
/// <list type="bullet">
/// <item><c>bool TryRead(out EnglangItem item)</c> / <c>IEnumerable&lt;EnglangItem&gt; ReadAll()</c>: the good records, each with its 1-based line number and byte offset.</item>
/// <item><c>Errors</c>: complete lines (with their line feed) that fail to parse or check (hard errors: file, line, message).</item>
/// <item><c>TornTail</c> and <c>GoodLength</c>: an unterminated last line (a write a crash cut short), and the offset where the good data ends.</item>
/// <item><c>static EnglangReadResult Read(Stream, string fileName)</c> / <c>ReadFile(string path)</c>: everything at once.</item>
/// </list>
/// <see cref="Errors"/> and <see cref="TornTail"/> are final once <see cref="TryRead"/> returned false.
/// </summary>
public sealed class EnglangReader : IDisposable
{
    /// <summary>Lines longer than this (64 MiB) are reported as errors and skipped.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024 * 1024;

    private const int DefaultBufferBytes = 64 * 1024;

    private readonly LineSource _source;
    private readonly List<EnglangError> _errors = [];
    private readonly int _maxLineBytes;
    private long _lineNumber;

    /// <summary>Reads <paramref name="stream"/> from its current position; <paramref name="fileName"/> names it in errors.</summary>
    public EnglangReader(Stream stream, string fileName, bool leaveOpen = false, int maxLineBytes = DefaultMaxLineBytes)
        : this(stream, fileName, leaveOpen, maxLineBytes, DefaultBufferBytes)
    {
    }

    internal EnglangReader(Stream stream, string fileName, bool leaveOpen, int maxLineBytes, int bufferBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        FileName = fileName;
        _maxLineBytes = maxLineBytes;
        _source = new LineSource(stream, leaveOpen, maxLineBytes, bufferBytes);
    }

    /// <summary>The name used in errors.</summary>
    public string FileName { get; }

    /// <summary>Hard errors: bad lines followed by more data.</summary>
    public IReadOnlyList<EnglangError> Errors => _errors;

    /// <summary>The torn last line, when there is one (known once reading has finished).</summary>
    public EnglangTornTail? TornTail { get; private set; }

    /// <summary>True once <see cref="TryRead"/> has returned false.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>The number of lines seen so far.</summary>
    public long LineCount => _lineNumber;

    /// <summary>Where the good data ends: the start of the torn tail, or everything read.</summary>
    public long GoodLength => TornTail?.ByteOffset ?? _source.Consumed;

    /// <summary>The raw bytes (without line feed) of the line of the item last returned; valid until the next read.</summary>
    public ReadOnlySpan<byte> CurrentLine => _source.Line;

    /// <summary>Opens a file for reading (shared with writers) and returns a reader over it.</summary>
    public static EnglangReader OpenFile(string path, int maxLineBytes = DefaultMaxLineBytes)
    {
        var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        return new EnglangReader(stream, path, leaveOpen: false, maxLineBytes);
    }

    /// <summary>Reads a whole stream (from its current position; it is left open) into memory.</summary>
    public static EnglangReadResult Read(Stream stream, string fileName)
    {
        using var reader = new EnglangReader(stream, fileName, leaveOpen: true);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a whole file into memory.</summary>
    public static EnglangReadResult ReadFile(string path)
    {
        using var reader = OpenFile(path);
        return reader.ReadToEnd();
    }

    /// <summary>Reads the next good record; false at the end (bad lines are collected, not returned).</summary>
    public bool TryRead(out EnglangItem item)
    {
        if (TryReadEvent(out var at, out var bucketId, out var parsed))
        {
            item = new EnglangItem(_lineNumber, _source.LineOffset, parsed.ToRecord(at, bucketId));
            return true;
        }

        item = default;
        return false;
    }

    /// <summary>
    /// Reads the next good line as its event, without making a record of a set, deletion or snapshot
    /// entry (see <see cref="LineEvent"/>); valid until the next read. False at the end, as <see cref="TryRead"/>.
    /// </summary>
    internal bool TryReadEvent(out DateTimeOffset at, out string bucketId, out LineEvent parsed)
    {
        while (!IsFinished && _source.MoveNext())
        {
            _lineNumber++;
            if (!_source.Terminated)
            {
                TornTail = new EnglangTornTail(FileName, _lineNumber, _source.LineOffset, _source.LineLength, DescribeUnterminated());
                continue;
            }

            if (_source.TooLong)
            {
                AddError($"the line is longer than {_maxLineBytes} bytes");
                continue;
            }

            if (EnglangParser.TryReadLine(_source.Line, changesOnly: false, out at, out bucketId, out parsed, out var error))
            {
                return true;
            }

            AddError(error);
        }

        IsFinished = true;
        at = default;
        bucketId = string.Empty;
        parsed = default;
        return false;
    }

    /// <summary>Yields every good record; check <see cref="Errors"/> and <see cref="TornTail"/> afterwards.</summary>
    public IEnumerable<EnglangItem> ReadAll()
    {
        while (TryRead(out var item))
        {
            yield return item;
        }
    }

    /// <summary>Reads everything that is left into memory.</summary>
    public EnglangReadResult ReadToEnd()
    {
        var items = new List<EnglangItem>();
        while (TryRead(out var item))
        {
            items.Add(item);
        }

        return new EnglangReadResult(FileName, items, _errors, TornTail, GoodLength);
    }

    /// <summary>Releases the buffer and, unless asked to leave it open, the stream.</summary>
    public void Dispose() => _source.Dispose();

    private void AddError(string message) => _errors.Add(new EnglangError(FileName, _lineNumber, message));


    private string DescribeUnterminated()
    {
        if (_source.TooLong)
        {
            return $"the last line has no line feed and is longer than {_maxLineBytes} bytes";
        }

        return EnglangParser.TryParse(_source.Line, out _, out var error)
            ? "the last line has no line feed (its write was cut short)"
            : $"the last line has no line feed and is incomplete: {error}";
    }
}
