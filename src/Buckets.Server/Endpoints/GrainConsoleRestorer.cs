using Buckets.Abstractions;
using Buckets.Backup.Console;
using Buckets.Server.Http;

namespace Buckets.Server.Endpoints;

/// <summary>The development host's console restore: the bucket's own restore, as <c>POST /admin/buckets/{id}/restore</c> does it.</summary>
internal sealed class GrainConsoleRestorer(BucketGrains grains) : IConsoleRestorer
{
    public async Task<string> RestoreAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        var result = await grains.Get(bucketId).RestoreAsync(atSeq, atTime);
        return result.Outcome == RestoreOutcome.Restored
            ? $"Restored bucket {bucketId}; the restore was recorded as change {result.NewSeq}."
            : $"Nothing was restored: {result.Detail}";
    }
}
