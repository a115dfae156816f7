using System.Buffers;

namespace Buckets.Englang;

/// <summary>
/// Records parsed ahead of the replay, handed from the parsing thread to the applying one. Snapshot
/// lines are copied into one pooled buffer (their digest is checked over the raw bytes); change
/// lines are not needed raw and are not copied.
/// </summary>
internal sealed class ParsedBatch : IDisposable
{
    private readonly EnglangItem[] _items;
    private readonly int[] _lineStarts;
    private readonly int[] _lineLengths;
    private byte[] _lines;
    private int _linesUsed;

    public ParsedBatch(int capacity)
    {
        _items = ArrayPool<EnglangItem>.Shared.Rent(capacity);
        _lineStarts = ArrayPool<int>.Shared.Rent(capacity);
        _lineLengths = ArrayPool<int>.Shared.Rent(capacity);
        _lines = [];
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    public EnglangItem this[int index] => _items[index];

    /// <summary>The raw line of item <paramref name="index"/>, or empty when it was not kept.</summary>
    public ReadOnlySpan<byte> LineOf(int index) => _lines.AsSpan(_lineStarts[index], _lineLengths[index]);

    public void Add(EnglangItem item, ReadOnlySpan<byte> rawLine)
    {
        if (_linesUsed + rawLine.Length > _lines.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_lines.Length * 2, _linesUsed + rawLine.Length));
            _lines.AsSpan(0, _linesUsed).CopyTo(grown);
            Return(_lines);
            _lines = grown;
        }

        rawLine.CopyTo(_lines.AsSpan(_linesUsed));
        _items[Count] = item;
        _lineStarts[Count] = _linesUsed;
        _lineLengths[Count] = rawLine.Length;
        _linesUsed += rawLine.Length;
        Count++;
    }

    public void Dispose()
    {
        // The records themselves are the replay's now; the pool must not keep them alive.
        ArrayPool<EnglangItem>.Shared.Return(_items, clearArray: true);
        ArrayPool<int>.Shared.Return(_lineStarts);
        ArrayPool<int>.Shared.Return(_lineLengths);
        Return(_lines);
        _lines = [];
    }

    private static void Return(byte[] lines)
    {
        if (lines.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(lines);
        }
    }
}
