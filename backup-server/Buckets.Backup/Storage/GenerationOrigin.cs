namespace Buckets.Backup.Storage;

/// <summary>How a generation's base came to be, which decides whether history may be replayed across it.</summary>
internal static class GenerationOrigin
{
    /// <summary>The bucket's first generation: an empty bucket before change 1.</summary>
    public const string Start = "start";

    /// <summary>A snapshot sent by a grain; it may jump past changes the store never received.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>A snapshot the store wrote from its own history: the same state as replaying up to its change.</summary>
    public const string Compaction = "compaction";

    /// <summary>An empty bucket after an erasure; nothing before it is kept.</summary>
    public const string Erase = "erase";

    /// <summary>What an operator's repair kept of a damaged bucket; the changes after it were lost.</summary>
    public const string Repair = "repair";
}
