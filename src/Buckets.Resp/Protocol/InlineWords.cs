namespace Buckets.Resp.Protocol;

/// <summary>Splits an inline command line into words as Redis's sdssplitargs does: spaces separate, "double" and 'single' quotes group, \n \r \t \\ \" \xHH escape inside double quotes.</summary>
internal static class InlineWords
{
    public static List<byte[]> Split(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var words = new List<byte[]>();
        var word = new List<byte>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }

            if (i >= line.Length)
            {
                return words;
            }

            word.Clear();
            var quote = (byte)0;
            while (i < line.Length)
            {
                var c = line[i];
                if (quote == (byte)'"' && c == (byte)'\\' && i + 1 < line.Length)
                {
                    i += Escape(line, i, word);
                    continue;
                }

                if (quote == (byte)'\'' && c == (byte)'\\' && i + 1 < line.Length && line[i + 1] == (byte)'\'')
                {
                    word.Add((byte)'\'');
                    i += 2;
                    continue;
                }

                if (quote != 0 && c == quote)
                {
                    // A closing quote must end the word.
                    if (i + 1 < line.Length && !IsSpace(line[i + 1]))
                    {
                        throw new RespProtocolException("unbalanced quotes in request");
                    }

                    quote = 0;
                    i++;
                    break;
                }

                if (quote == 0 && IsSpace(c))
                {
                    break;
                }

                if (quote == 0 && (c == (byte)'"' || c == (byte)'\'') && word.Count == 0)
                {
                    quote = c;
                    i++;
                    continue;
                }

                word.Add(c);
                i++;
            }

            if (quote != 0)
            {
                throw new RespProtocolException("unbalanced quotes in request");
            }

            words.Add([.. word]);
        }
    }

    private static int Escape(ReadOnlySpan<byte> line, int i, List<byte> word)
    {
        var next = line[i + 1];
        if (next == (byte)'x' && i + 3 < line.Length && IsHex(line[i + 2]) && IsHex(line[i + 3]))
        {
            word.Add((byte)((Hex(line[i + 2]) << 4) | Hex(line[i + 3])));
            return 4;
        }

        word.Add(next switch
        {
            (byte)'n' => (byte)'\n',
            (byte)'r' => (byte)'\r',
            (byte)'t' => (byte)'\t',
            (byte)'b' => (byte)'\b',
            (byte)'a' => (byte)'\a',
            _ => next,
        });
        return 2;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int Hex(byte c) => c <= (byte)'9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
