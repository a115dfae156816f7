namespace Buckets.Backup.Pulling;

/// <summary>The silos to pull from right now.</summary>
public interface IChangeFeedSource
{
    IReadOnlyList<IChangeFeed> CurrentFeeds();
}
