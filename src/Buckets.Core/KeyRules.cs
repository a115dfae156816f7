using System.Text;

namespace Buckets.Core;

/// <summary>What a valid entry key is: non-empty, bounded UTF-8 length, no control characters.</summary>
public static class KeyRules
{
    /// <summary>Returns why <paramref name="key"/> is invalid, or <c>null</c> when it is valid.</summary>
    public static string? Validate(string? key, int maxKeyBytes)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "The key is empty.";
        }

        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                return $"The key contains the control character U+{(int)c:X4}.";
            }
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            return "The key is not valid Unicode (it holds an unpaired surrogate).";
        }

        return bytes > maxKeyBytes ? $"The key is {bytes} UTF-8 bytes long; the limit is {maxKeyBytes}." : null;
    }

    /// <summary>Returns why a TTL is invalid, or <c>null</c> when it lies in 1..<paramref name="maxTtlSeconds"/>.</summary>
    public static string? ValidateTtl(long ttlSeconds, long maxTtlSeconds) =>
        ttlSeconds < 1 || ttlSeconds > maxTtlSeconds
            ? $"The TTL must be a whole number of seconds from 1 to {maxTtlSeconds}."
            : null;

    /// <summary>A UTF-8 encoding that throws on unpaired surrogates instead of writing U+FFFD.</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
