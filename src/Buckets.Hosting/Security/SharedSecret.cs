using System.Security.Cryptography;
using System.Text;

namespace Buckets.Hosting.Security;

/// <summary>A configured bearer secret (admin or internal token), compared in constant time.</summary>
public sealed class SharedSecret
{
    // Longer presentations cannot match a configured secret; refusing them keeps the comparison on the stack.
    private const int MaxPresentedBytes = 512;

    private readonly byte[] _bytes;

    public SharedSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        _bytes = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>The secret itself, for the side that presents it.</summary>
    public string Value { get; }

    /// <summary>True when <paramref name="presented"/> is this secret.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || Encoding.UTF8.GetMaxByteCount(presented.Length) > MaxPresentedBytes)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxPresentedBytes];
        var length = Encoding.UTF8.GetBytes(presented, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..length], _bytes);
    }
}
