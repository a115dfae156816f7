using System.Buffers.Text;

namespace Buckets.Hosting.Security;

/// <summary>
/// The one rule every secret of the cluster follows: the text of at least
/// <see cref="MinSecretBytes"/> random bytes, as hex or base64/base64url (padding optional), e.g.
/// <c>openssl rand -base64 32</c> or <c>openssl rand -hex 32</c>. Text that decodes but looks made
/// by hand (repeated or periodic bytes, a counting sequence, one letter case, few distinct
/// characters) is refused: those checks almost never refuse real randomness (well under one in a
/// billion for 32 bytes) and catch the passwords people type.
/// </summary>
public static class SecretRules
{
    /// <summary>Fewest random bytes a secret must carry.</summary>
    public const int MinSecretBytes = 32;

    // Thresholds for 32 random bytes: about 30 distinct byte values and 30 distinct steps
    // between neighbours are expected, about 15.7 distinct hex digits of 16 and about 32 distinct
    // base64 characters of 64; each floor sits many standard deviations below.
    private const int MinDistinctBytes = 16;
    private const int MinDistinctSteps = 16;
    private const int MinDistinctHexChars = 8;
    private const int MinDistinctBase64Chars = 12;

    /// <summary>What to put in an error message so the operator knows how to make a good secret.</summary>
    public const string Advice = "use at least 32 random bytes as hex or base64, e.g. the output of 'openssl rand -base64 32'";

    /// <summary>
    /// Decodes <paramref name="text"/> and checks it; on failure <paramref name="problem"/> says
    /// why, without echoing the secret. Hex is tried first: a hex string is also valid base64.
    /// </summary>
    public static bool TryDecode(string? text, out byte[] bytes, out string problem)
    {
        bytes = [];
        problem = "";
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            problem = "is not set";
            return false;
        }

        var isHex = IsHex(trimmed);
        if (isHex)
        {
            bytes = Convert.FromHexString(trimmed);
        }
        else if (!TryDecodeBase64(trimmed, out bytes))
        {
            problem = $"is neither hex nor base64 ({Advice})";
            return false;
        }

        if (bytes.Length < MinSecretBytes)
        {
            problem = $"decodes to {bytes.Length} bytes, fewer than {MinSecretBytes} ({Advice})";
            return false;
        }

        if (LooksHandMade(trimmed, bytes, isHex))
        {
            problem = $"does not look random (repeated or sequential bytes, or too small an alphabet; {Advice})";
            return false;
        }

        return true;
    }

    /// <summary>The bytes of a secret already checked at start-up.</summary>
    /// <exception cref="ArgumentException">The text is not a strong secret.</exception>
    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes, out var problem) ? bytes : throw new ArgumentException($"The secret {problem}.", nameof(text));

    private static bool IsHex(string text) => text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit);

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        bytes = [];
        // Accept both alphabets; Base64Url ignores padding, so strip it first.
        var url = text.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (!Base64Url.IsValid(url))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(url);
        return true;
    }

    private static bool LooksHandMade(string text, byte[] bytes, bool isHex)
    {
        var distinctChars = text.Distinct().Count();
        var shortAlphabet = isHex
            ? distinctChars < MinDistinctHexChars || !text.Any(char.IsAsciiDigit) || !text.Any(char.IsAsciiLetter)
            : distinctChars < MinDistinctBase64Chars || !text.Any(char.IsAsciiLetterUpper) || !text.Any(char.IsAsciiLetterLower);
        if (shortAlphabet)
        {
            return true;
        }

        var steps = new HashSet<int>();
        for (var i = 1; i < bytes.Length; i++)
        {
            steps.Add((bytes[i] - bytes[i - 1]) & 0xFF);
        }

        return bytes.Distinct().Count() < MinDistinctBytes || steps.Count < MinDistinctSteps;
    }
}
