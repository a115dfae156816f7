using System.Buffers.Text;
using System.Globalization;

namespace Buckets.Core;

/// <summary>
/// Values read as numbers the way Redis reads them: integers strictly (no sign but '-', no spaces,
/// no leading zeros, 64 bits), floats as decimal text. Float arithmetic is done in <see cref="decimal"/>
/// where it fits (28 significant digits, so 0.1 + 0.2 is 0.3, as Redis's long double prints it) and in
/// <see cref="double"/> beyond.
/// </summary>
public static class StringValues
{
    /// <summary>Redis's longest integer text: 20 characters ("-9223372036854775808").</summary>
    private const int MaxIntegerChars = 20;

    /// <summary>True when <paramref name="text"/> is an integer as Redis's string2ll accepts it.</summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxIntegerChars)
        {
            return false;
        }

        if (text.Length == 1 && text[0] == (byte)'0')
        {
            return true;
        }

        var digits = text[0] == (byte)'-' ? text[1..] : text;
        if (digits.IsEmpty || digits[0] is < (byte)'1' or > (byte)'9')
        {
            return false;
        }

        return Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;
    }

    /// <summary>True when <paramref name="text"/> is a finite number in decimal or exponent notation (Redis's strtold).</summary>
    public static bool TryParseFloat(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)
        && text.Length > 0 && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1]);

    /// <summary>
    /// <paramref name="current"/> plus <paramref name="increment"/> as Redis formats it (no exponent,
    /// no trailing zeros); <c>null</c> when either is not a number or the sum is not finite.
    /// </summary>
    public static string? AddFloat(string current, string increment)
    {
        if (!TryParseFloat(current, out var a) || !TryParseFloat(increment, out var b))
        {
            return null;
        }

        if (decimal.TryParse(current, NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
            && decimal.TryParse(increment, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
        {
            try
            {
                return Format(da + db);
            }
            catch (OverflowException)
            {
                // Past decimal's range: double carries it.
            }
        }

        var sum = a + b;
        return double.IsFinite(sum) ? Format(sum) : null;
    }

    private static string Format(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text == "-0" ? "0" : text;
    }

    private static string Format(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('E', StringComparison.Ordinal) ? Format((decimal)value) : text;
    }
}
