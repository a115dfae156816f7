namespace Buckets.Abstractions;

/// <summary>
/// The bucket cannot serve now without risking data loss (for example its saved state could not be
/// loaded from the backup server). Callers should retry after <see cref="RetryAfterSeconds"/>.
/// </summary>
[GenerateSerializer, Alias("Buckets.BucketUnavailableException")]
public sealed class BucketUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BucketUnavailableException(string message, int retryAfterSeconds)
        : base(message) => RetryAfterSeconds = retryAfterSeconds;

    /// <summary>Creates the exception with a default message.</summary>
    public BucketUnavailableException()
        : this("The bucket is temporarily unavailable.", 1)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BucketUnavailableException(string message)
        : this(message, 1)
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public BucketUnavailableException(string message, Exception innerException)
        : base(message, innerException) => RetryAfterSeconds = 1;

    /// <summary>Seconds the caller should wait before retrying.</summary>
    [Id(0)]
    public int RetryAfterSeconds { get; }
}
