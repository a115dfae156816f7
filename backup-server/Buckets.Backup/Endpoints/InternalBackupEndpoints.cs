using Buckets.Abstractions.Backup;
using Buckets.Backup.Pulling;
using Buckets.Backup.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Buckets.Backup.Endpoints;

/// <summary>
/// <c>/internal/v1</c>: what silos call on the backup server (epochs, pushes of critical changes,
/// state reads for restore, erase, and silo announcements). Internal token only.
/// </summary>
public static class InternalBackupEndpoints
{
    public static IEndpointRouteBuilder MapInternalBackupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/v1").RequireInternalToken().WithTags("Internal");
        group.MapPost("/buckets/{bucketId}/epochs", OpenEpochAsync);
        group.MapPost("/batches", StoreBatchAsync);
        group.MapGet("/buckets/{bucketId}/state", ReadStateAsync);
        group.MapDelete("/buckets/{bucketId}", EraseAsync);
        group.MapPost("/silos", Announce);
        return app;
    }

    private static async Task<IResult> OpenEpochAsync(string bucketId, IBackupStore store, CancellationToken cancellationToken)
    {
        if (!BucketIds.IsValid(bucketId))
        {
            return InvalidId();
        }

        try
        {
            var grant = await store.OpenEpochAsync(bucketId, cancellationToken);
            return TypedResults.Ok(new BackupEpoch(grant.Epoch, grant.LastSeq, grant.Snapshot));
        }
        catch (BackupCorruptException e)
        {
            // The bucket stays unavailable (503 to clients) until an operator repairs or restores it.
            return Damaged(e);
        }
    }

    private static async Task<IResult> StoreBatchAsync(ChangeBatch batch, BackupIngest ingest, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ingest.StoreAsync(batch, cancellationToken));

    private static async Task<IResult> ReadStateAsync(string bucketId, long? seq, DateTimeOffset? at, IBackupStore store, CancellationToken cancellationToken)
    {
        if (!BucketIds.IsValid(bucketId))
        {
            return InvalidId();
        }

        try
        {
            var state = await store.ReadStateAsync(bucketId, seq, at, cancellationToken);
            return state is null
                ? TypedResults.Problem(detail: $"No backup of bucket {bucketId}.", statusCode: StatusCodes.Status404NotFound)
                : TypedResults.Bytes(state.Snapshot, "text/plain; charset=utf-8");
        }
        catch (BackupCorruptException e)
        {
            return Damaged(e);
        }
        catch (BackupHistoryUnavailableException e)
        {
            return TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status410Gone, title: "That point is no longer kept.");
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult InvalidId() =>
        TypedResults.Problem(detail: "A bucket id is 1 to 64 characters of a-z, 0-9, '-' and '_'.", statusCode: StatusCodes.Status400BadRequest);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Damaged(BackupCorruptException e) =>
        TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The bucket's backup history is damaged.");

    private static async Task<IResult> EraseAsync(string bucketId, IBackupStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!BucketIds.IsValid(bucketId))
        {
            return InvalidId();
        }

        await store.EraseAsync(bucketId, time.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static IResult Announce(SiloAnnouncement announcement, SiloRegistry registry)
    {
        if (!Uri.TryCreate(announcement.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            return TypedResults.Problem(detail: "'address' must be an absolute http(s) URL.", statusCode: StatusCodes.Status400BadRequest);
        }

        registry.Announce(address);
        return TypedResults.NoContent();
    }
}
