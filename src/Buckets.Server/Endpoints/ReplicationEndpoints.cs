using Buckets.Abstractions.Backup;
using Buckets.Grains.Backup;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;

namespace Buckets.Server.Endpoints;

/// <summary><c>POST /internal/v1/backup/pull</c>: the backup server collects this silo's pending changes (internal token).</summary>
public static class ReplicationEndpoints
{
    // The backup server's own bounds on what it asks for (Backup:Pull:MaxBatches and MaxChangesPerBatch).
    private const int MaxBatches = 100_000;
    private const int MaxChangesPerBatch = 1_000_000;

    // A pull carries acknowledgements only (one per bucket of the previous answer, at most
    // MaxBatches of them, each well under 256 bytes): bounded before a byte of it is bound.
    private const long MaxPullBodyBytes = MaxBatches * 256L;

    // A data directory's id is 32 hex digits; anything far longer is not one.
    private const int MaxIncarnationLength = 64;

    public static IEndpointRouteBuilder MapReplicationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/v1/backup/pull", PullAsync).RequireInternalToken().WithMetadata(new MaxBodyAttribute(MaxPullBodyBytes)).WithTags("Internal");
        return app;
    }

    private static async Task<IResult> PullAsync(PullRequest request, PullCoordinator coordinator)
    {
        if (Invalid(request) is { } problem)
        {
            return Problems.BadRequest("invalid-pull", problem);
        }

        if (coordinator.ReplicaOf(request) is null)
        {
            return Problems.BadRequest("unknown-backup-server", $"Backup server '{request.Replica}' is not in this silo's list of backup servers (Buckets:Backup:Servers); the lists must be the same on every node.");
        }

        return TypedResults.Ok(await coordinator.PullAsync(request));
    }

    /// <summary>What is wrong with a pull request, or null; the limits keep the coordinator's arithmetic in range.</summary>
    private static string? Invalid(PullRequest request) => request switch
    {
        { Acks: null } => "'acks' must be a list (empty on the first pull).",
        { Acks: var acks } when acks.Any(ack => ack is null || string.IsNullOrEmpty(ack.BucketId)) => "Every acknowledgement needs a 'bucketId'.",
        { MaxBatches: < 1 or > MaxBatches } => $"'maxBatches' must be 1 to {MaxBatches}.",
        { MaxChangesPerBatch: < 1 or > MaxChangesPerBatch } => $"'maxChangesPerBatch' must be 1 to {MaxChangesPerBatch}.",
        { Incarnation.Length: > MaxIncarnationLength } => $"'incarnation' is at most {MaxIncarnationLength} characters.",
        _ => null,
    };
}
