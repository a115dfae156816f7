using System.Diagnostics.CodeAnalysis;

namespace Buckets.Backup.Storage;

/// <summary>
/// The bucket ids the store accepts: 1 to 64 characters of <c>a-z</c>, <c>0-9</c>, <c>_</c> and <c>-</c>.
/// Ids name folders, so anything else (dots, slashes, upper case) is refused to rule out path traversal.
/// </summary>
public static class BucketIds
{
    /// <summary>The longest accepted id.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="bucketId"/> is an accepted id.</summary>
    public static bool IsValid([NotNullWhen(true)] string? bucketId)
    {
        if (bucketId is null || bucketId.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in bucketId)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="bucketId"/> is not an accepted id.</summary>
    public static void Validate([NotNull] string? bucketId, string paramName)
    {
        // The rejected text is not echoed: a caller may have passed a secret by mistake.
        if (!IsValid(bucketId))
        {
            throw new ArgumentException("A bucket id is 1 to 64 characters of a-z, 0-9, '_' and '-'.", paramName);
        }
    }
}
