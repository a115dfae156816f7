namespace Buckets.Backup.Console;

/// <summary>
/// Restores a bucket in the running cluster for the console. Restoring replaces a bucket's memory,
/// which only its silo can do: the development host calls the bucket itself, the standalone backup
/// server asks a registered silo's admin endpoint.
/// </summary>
public interface IConsoleRestorer
{
    /// <summary>Restores <paramref name="bucketId"/> as of change <paramref name="atSeq"/> or time <paramref name="atTime"/>; returns what happened, in words.</summary>
    Task<string> RestoreAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken);
}
