using Buckets.Backup.Endpoints;
using Buckets.Backup.Pulling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Uploads;

/// <summary>
/// <c>/internal/v1/buckets/{bucketId}/uploads</c>: a batch too large for one request (a big
/// bucket's snapshot) sent in chunks, then stored as one batch by <see cref="BackupIngest"/>.
/// Mapped inside the internal group, so the internal token is checked on every call.
/// </summary>
internal static class UploadEndpoints
{
    // How long a silo waits before opening an upload again when all slots are taken.
    private const int RetryAfterSeconds = 1;

    public static RouteGroupBuilder MapUploadEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/buckets/{bucketId}/uploads", Open);
        group.MapPut("/buckets/{bucketId}/uploads/{uploadId}", AppendChunkAsync);
        group.MapPost("/buckets/{bucketId}/uploads/{uploadId}/commit", CommitAsync);
        group.MapDelete("/buckets/{bucketId}/uploads/{uploadId}", AbandonAsync);
        return group;
    }

    private static IResult Open(string bucketId, UploadSpool spool, IOptions<UploadOptions> options, HttpContext http)
    {
        if (InternalRequests.CheckBucketId(bucketId) is { } invalid)
        {
            return invalid;
        }

        if (spool.Open(bucketId) is not { } uploadId)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                detail: $"{options.Value.MaxOpenUploads} uploads are open; retry shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many uploads.");
        }

        return TypedResults.Created(
            InternalBackupRoutes.Upload(bucketId, uploadId),
            new UploadCreated(uploadId, options.Value.MaxRequestBytes, options.Value.MaxUploadBytes));
    }

    private static async Task<IResult> AppendChunkAsync(string bucketId, string uploadId, string? offset, UploadSpool spool, IOptions<UploadOptions> options, HttpContext http)
    {
        if (InternalRequests.CheckBucketId(bucketId) is { } invalid)
        {
            return invalid;
        }

        if (!long.TryParse(offset, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var start))
        {
            return InternalRequests.BadRequest($"'{InternalBackupRoutes.OffsetQuery}' must be the byte offset of the chunk in the upload (a whole number, 0 or more).");
        }

        var limit = options.Value.MaxRequestBytes;
        if (InternalRequests.CheckEnglangBody(http.Request, limit) is { } badBody)
        {
            return badBody;
        }

        UploadSpool.ChunkResult result;
        try
        {
            result = await spool.AppendAsync(bucketId, uploadId, start, http.Request.Body, http.RequestAborted);
        }
        catch (Exception e) when (InternalRequests.BodyProblem(e, limit) is { } problem)
        {
            return problem;
        }

        return result.Status switch
        {
            UploadSpool.ChunkStatus.Appended => TypedResults.NoContent(),
            UploadSpool.ChunkStatus.WrongOffset => TypedResults.Problem(
                detail: $"The upload holds {result.Length} bytes; the next chunk must start at offset {result.Length}.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The chunk does not follow the upload."),
            UploadSpool.ChunkStatus.TooLarge => TypedResults.Problem(
                detail: $"An upload holds at most {options.Value.MaxUploadBytes} bytes.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The upload is too large."),
            _ => UnknownUpload(bucketId, uploadId),
        };
    }

    private static async Task<IResult> CommitAsync(string bucketId, string uploadId, UploadSpool spool, BackupIngest ingest, HttpContext http)
    {
        if (InternalRequests.CheckBucketId(bucketId) is { } invalid)
        {
            return invalid;
        }

        if (InternalRequests.TryReadBatchQuery(http.Request, out var query) is { } badQuery)
        {
            return badQuery;
        }

        // The upload is gone once taken: a failed store is retried by the silo with a new upload.
        if (await spool.TakeAsync(bucketId, uploadId, http.RequestAborted) is not { } englang)
        {
            return UnknownUpload(bucketId, uploadId);
        }

        try
        {
            return TypedResults.Ok(await ingest.StoreAsync(query.ToBatch(bucketId, englang), http.RequestAborted));
        }
        catch (Cluster.ReplicaNotSyncedException)
        {
            return InternalRequests.NotSynced(bucketId);
        }
    }

    private static async Task<IResult> AbandonAsync(string bucketId, string uploadId, UploadSpool spool, CancellationToken cancellationToken)
    {
        if (InternalRequests.CheckBucketId(bucketId) is { } invalid)
        {
            return invalid;
        }

        return await spool.AbandonAsync(bucketId, uploadId, cancellationToken) ? TypedResults.NoContent() : UnknownUpload(bucketId, uploadId);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult UnknownUpload(string bucketId, string uploadId) =>
        TypedResults.Problem(
            detail: $"Bucket {bucketId} has no open upload '{uploadId}' (never opened, already committed, abandoned, or expired); open a new one.",
            statusCode: StatusCodes.Status404NotFound,
            title: "No such upload.");
}
