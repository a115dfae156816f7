namespace Buckets.Backup.Storage;

/// <summary>The files to replay for a read, in order.</summary>
/// <param name="Base">The generation whose base the replay starts from.</param>
/// <param name="Files">The base snapshot (when the base has one), then change segments.</param>
internal sealed record HistoryChain(ManifestGeneration Base, IReadOnlyList<string> Files);
