namespace Buckets.Abstractions;

/// <summary>
/// The bucket cannot serve now without risking data loss (for example its saved state could not be
/// loaded from the backup server). Callers should retry after <see cref="RetryAfterSeconds"/>.
/// </summary>
[GenerateSerializer, Alias("Buckets.BucketUnavailableException")]
public sealed class BucketUnavailableException : Exception
{
    /// <summary>The <see cref="Reason"/> of a write refused because its silo is above its memory high-water mark.</summary>
    public const string MemoryPressure = "memory-pressure";

    /// <summary>Creates the exception.</summary>
    public BucketUnavailableException(string message, int retryAfterSeconds)
        : base(message) => RetryAfterSeconds = retryAfterSeconds;

    /// <summary>Creates the exception with a machine-readable reason (the problem type HTTP answers with).</summary>
    public BucketUnavailableException(string message, int retryAfterSeconds, string reason)
        : base(message)
    {
        RetryAfterSeconds = retryAfterSeconds;
        Reason = reason;
    }

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

    /// <summary>Why, when a caller can act on it (<see cref="MemoryPressure"/>); <c>null</c> for a bucket that cannot serve safely yet.</summary>
    [Id(1)]
    public string? Reason { get; }
}
