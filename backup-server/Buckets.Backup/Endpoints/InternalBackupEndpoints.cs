using System.Globalization;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Cluster;
using Buckets.Backup.Pulling;
using Buckets.Backup.Storage;
using Buckets.Backup.Uploads;
using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Endpoints;

/// <summary>
/// <c>/internal/v1</c>: what silos call on the backup server (epochs, pushes of critical changes and
/// snapshots, uploads of batches too large for one request, state reads for restore, erase, and silo
/// announcements). Internal token only. Englang goes both ways as raw bytes; paths and headers are in
/// <see cref="InternalBackupRoutes"/>.
/// </summary>
public static class InternalBackupEndpoints
{
    // Englang is UTF-8 text: answered as such, so a person can read a state with curl.
    private const string EnglangResponseType = "text/plain; charset=utf-8";

    // One page of bucket ids is a few tens of bytes each: bounded well below any response limit.
    private const int MaxListPage = 10_000;

    // Changes per ranged read: a feed page's worth, so one read never parses a bucket's whole history.
    private const int MaxChangesPage = 100_000;

    public static IEndpointRouteBuilder MapInternalBackupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/v1").RequireInternalToken().WithTags("Internal");
        group.MapPost("/buckets/{bucketId}/epochs", OpenEpochAsync);
        group.MapPost("/buckets/{bucketId}/batches", StoreBatchAsync);
        group.MapUploadEndpoints();
        group.MapGet("/buckets/{bucketId}/state", ReadStateAsync);
        group.MapGet("/buckets/{bucketId}/changes", ReadChangesAsync);
        group.MapDelete("/buckets/{bucketId}", EraseAsync);
        group.MapGet("/buckets", ListBuckets);
        group.MapGet("/buckets/{bucketId}/replica", ReadReplicaAsync);
        group.MapGet("/buckets/{bucketId}/digest", ReadDigestAsync);
        group.MapPost("/silos", Announce);
        group.MapGet(PeerMonitor.ClusterPath["/internal/v1".Length..], (PeerMonitor peers) => TypedResults.Ok(peers.Own));
        return app;
    }

    /// <summary>
    /// The grant's snapshot is the body, as the store returned it with the epoch (so it is the state at
    /// that epoch, read under the store's bucket gate); epoch and last change travel in headers.
    /// </summary>
    private static async Task<IResult> OpenEpochAsync(string bucketId, long? propose, bool? state, IBackupStore store, ReplicaResync resync, HttpContext http)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        if (propose is < 1)
        {
            return InternalRequests.BadRequest("'propose' must be a positive epoch.");
        }

        try
        {
            var grant = await store.OpenEpochAsync(bucketId, new EpochRequest(propose, state ?? true), http.RequestAborted);
            http.Response.Headers[InternalBackupRoutes.EpochHeader] = grant.Epoch.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers[InternalBackupRoutes.LastSeqHeader] = grant.LastSeq.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers[InternalBackupRoutes.WriterEpochHeader] = grant.WriterEpoch.ToString(CultureInfo.InvariantCulture);
            return grant.Granted
                ? TypedResults.Bytes(grant.Snapshot, EnglangResponseType)
                : TypedResults.Problem(
                    detail: $"Epoch {propose} is not above epoch {grant.Epoch}, the highest this replica knows for bucket {bucketId}; ask above it.",
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Epoch refused.");
        }
        catch (BackupCorruptException e)
        {
            // The bucket stays unavailable (503 to clients) until an operator repairs or restores it.
            return Damaged(e);
        }
    }

    /// <summary>One batch up to <see cref="UploadOptions.MaxRequestBytes"/>, the Englang as the body; larger ones come as uploads.</summary>
    private static async Task<IResult> StoreBatchAsync(string bucketId, BackupIngest ingest, ReplicaResync resync, IOptions<UploadOptions> options, HttpContext http)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        if (InternalRequests.TryReadBatchQuery(http.Request, out var query) is { } badQuery)
        {
            return badQuery;
        }

        var limit = options.Value.MaxRequestBytes;
        if (InternalRequests.CheckEnglangBody(http.Request, limit) is { } badBody)
        {
            return badBody;
        }

        var (englang, problem) = await InternalRequests.ReadBodyAsync(http.Request, limit, http.RequestAborted);
        return englang is null ? problem! : TypedResults.Ok(await ingest.StoreAsync(query.ToBatch(bucketId, englang), http.RequestAborted));
    }

    private static async Task<IResult> ReadStateAsync(string bucketId, long? seq, DateTimeOffset? at, IBackupStore store, ReplicaResync resync, CancellationToken cancellationToken)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var state = await store.ReadStateAsync(bucketId, seq, at, cancellationToken);
            return state is null
                ? TypedResults.Problem(detail: $"No backup of bucket {bucketId}.", statusCode: StatusCodes.Status404NotFound)
                : TypedResults.Bytes(state.Snapshot, EnglangResponseType);
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

    /// <summary>The change feed's ranged read (<see cref="ChangeHistory"/>): lines as the body, where history starts in a header.</summary>
    private static async Task<IResult> ReadChangesAsync(string bucketId, long? after, int? limit, IBackupStore store, ReplicaResync resync, IOptions<UploadOptions> options, HttpContext http)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        if (after is not { } afterSeq || afterSeq < 0 || limit is not (>= 1 and <= MaxChangesPage))
        {
            return InternalRequests.BadRequest($"'after' must be a change number (0 or more) and 'limit' 1 to {MaxChangesPage}.");
        }

        // One answer stays within what this server accepts as one request, so it is bounded the same way.
        var maxBytes = (int)Math.Min(int.MaxValue, options.Value.MaxRequestBytes);
        if (await ChangeHistory.ReadAsync(store, bucketId, afterSeq, limit.Value, maxBytes, http.RequestAborted) is not { } changes)
        {
            return TypedResults.Problem(detail: $"No backup of bucket {bucketId}.", statusCode: StatusCodes.Status404NotFound);
        }

        http.Response.Headers[InternalBackupRoutes.OldestAfterHeader] = changes.OldestAfter.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[InternalBackupRoutes.LastSeqHeader] = changes.LastSeq.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Bytes(changes.Englang, EnglangResponseType);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Damaged(BackupCorruptException e) =>
        TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The bucket's backup history is damaged.");

    private static async Task<IResult> EraseAsync(string bucketId, IBackupStore store, ReplicaResync resync, TimeProvider time, CancellationToken cancellationToken)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        await store.EraseAsync(bucketId, time.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>A page of held bucket ids in the store's layout order; listing is allowed while resyncing (peers resync from each other).</summary>
    private static IResult ListBuckets(string? after, int? limit, IBackupStore store)
    {
        if (limit is < 1 or > MaxListPage)
        {
            return InternalRequests.BadRequest($"'limit' must be 1 to {MaxListPage}.");
        }

        if (after is not null && !BucketIds.IsValid(after))
        {
            return InternalRequests.BadRequest("'after' must be a bucket id from a previous page.");
        }

        var page = store.ListBuckets(after, limit ?? MaxListPage);
        return TypedResults.Ok(new BucketPage(page.Ids, page.Next));
    }

    /// <summary>The bucket's whole copy with its epochs, for a peer that resyncs; a resyncing server hands on only what it already copied back.</summary>
    private static async Task<IResult> ReadReplicaAsync(string bucketId, IBackupStore store, ReplicaResync resync, HttpContext http)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        try
        {
            if (await store.ReadReplicaAsync(bucketId, http.RequestAborted) is not { } copy)
            {
                return TypedResults.Problem(detail: $"No backup of bucket {bucketId}.", statusCode: StatusCodes.Status404NotFound);
            }

            http.Response.Headers[InternalBackupRoutes.EpochHeader] = copy.Epoch.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers[InternalBackupRoutes.WriterEpochHeader] = copy.WriterEpoch.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers[InternalBackupRoutes.LastSeqHeader] = copy.LastSeq.ToString(CultureInfo.InvariantCulture);
            if (copy.Erased)
            {
                http.Response.Headers[InternalBackupRoutes.ErasedHeader] = "true";
            }

            return TypedResults.Bytes(copy.Snapshot, EnglangResponseType);
        }
        catch (BackupCorruptException e)
        {
            return Damaged(e);
        }
    }

    /// <summary>What this replica holds of the bucket, digested, for a peer's integrity sweep: the state stays here.</summary>
    private static async Task<IResult> ReadDigestAsync(string bucketId, long? seq, IBackupStore store, ReplicaResync resync, CancellationToken cancellationToken)
    {
        if ((InternalRequests.CheckBucketId(bucketId) ?? NotSynced(resync, bucketId)) is { } invalid)
        {
            return invalid;
        }

        if (seq is < 0)
        {
            return InternalRequests.BadRequest("'seq' must be a change number (0 or more).");
        }

        try
        {
            return await store.ReadReplicaAsync(bucketId, seq, cancellationToken) is { } copy
                ? TypedResults.Ok(ReplicaDigest.Of(copy))
                : TypedResults.Problem(detail: $"No backup of bucket {bucketId}.", statusCode: StatusCodes.Status404NotFound);
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

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? NotSynced(ReplicaResync resync, string bucketId) =>
        resync.Counts(bucketId) ? null : InternalRequests.NotSynced(bucketId);

    private static IResult Announce(SiloAnnouncement announcement, SiloRegistry registry, PeerMonitor peers)
    {
        if (!Uri.TryCreate(announcement.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            return TypedResults.Problem(detail: "'address' must be an absolute http(s) URL.", statusCode: StatusCodes.Status400BadRequest);
        }

        registry.Announce(address);
        peers.CheckSilo(address.GetLeftPart(UriPartial.Authority), announcement.Servers);
        return TypedResults.NoContent();
    }
}
