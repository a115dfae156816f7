using System.Text;

namespace Buckets.Englang;

/// <summary>
/// Walks the body of a line (everything before the checksum) left to right. Every reading method
/// returns false on a mismatch and records the first error, naming the column and what was expected.
/// </summary>
internal ref partial struct BodyCursor
{
    private readonly ReadOnlySpan<byte> _text;
    private int _pos;
    private string? _error;

    public BodyCursor(ReadOnlySpan<byte> text)
    {
        _text = text;
        _pos = 0;
        _error = null;
    }

    public readonly string Error => _error ?? "the line could not be read";

    /// <summary>Consumes <paramref name="literal"/> or fails naming it.</summary>
    public bool Expect(ReadOnlySpan<byte> literal)
    {
        if (TryConsume(literal))
        {
            return true;
        }

        return Fail($"\"{Encoding.UTF8.GetString(literal)}\"");
    }

    /// <summary>Consumes <paramref name="literal"/> when it comes next; never records an error.</summary>
    public bool TryConsume(ReadOnlySpan<byte> literal)
    {
        if (!_text[_pos..].StartsWith(literal))
        {
            return false;
        }

        _pos += literal.Length;
        return true;
    }

    /// <summary>Succeeds only at the end of the body.</summary>
    public bool ExpectEnd() => _pos == _text.Length || Fail("the end of the record before the checksum");

    /// <summary>Records an error at the current column and returns false.</summary>
    public bool Fail(string expected) => FailAt(_pos, expected);

    private bool FailAt(int position, string expected)
    {
        _error ??= $"at column {position + 1}: expected {expected} but found {Describe(_text[position..])}";
        return false;
    }

    private static string Describe(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty)
        {
            return "the end of the record";
        }

        var sample = Encoding.UTF8.GetString(rest[..Math.Min(rest.Length, 24)]);
        var builder = new StringBuilder("\"");
        foreach (var c in sample)
        {
            builder.Append(char.IsControl(c) ? $"\\u{{{(int)c:X}}}" : c.ToString());
        }

        return builder.Append(rest.Length > 24 ? "...\"" : "\"").ToString();
    }
}
