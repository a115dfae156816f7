using System.Globalization;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.Hosting.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Buckets.Backup.Endpoints;

/// <summary>
/// Input checks of the internal endpoints that take Englang bodies: the bucket id, the batch's
/// query (epoch, snapshot, toSeq) and the body's type and size. Bad input is a 4xx problem, never a 500.
/// </summary>
internal static class InternalRequests
{
    public static ProblemHttpResult? CheckBucketId(string bucketId) =>
        BucketIds.IsValid(bucketId) ? null : BadRequest("A bucket id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");

    /// <summary>Reads <c>?epoch=E&amp;snapshot=true|false&amp;toSeq=S</c>; snapshot defaults to false.</summary>
    public static ProblemHttpResult? TryReadBatchQuery(HttpRequest request, out BatchQuery query)
    {
        query = default;
        var q = request.Query;
        if (!long.TryParse(q[InternalBackupRoutes.EpochQuery], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) || epoch < 1)
        {
            return BadRequest($"'{InternalBackupRoutes.EpochQuery}' must be the positive epoch the backup server granted.");
        }

        if (!long.TryParse(q[InternalBackupRoutes.ToSeqQuery], NumberStyles.None, CultureInfo.InvariantCulture, out var toSeq))
        {
            return BadRequest($"'{InternalBackupRoutes.ToSeqQuery}' must be the last sequence number in the batch (a whole number, 0 or more).");
        }

        var snapshotText = q[InternalBackupRoutes.SnapshotQuery].ToString();
        var snapshot = false;
        if (snapshotText.Length > 0 && !bool.TryParse(snapshotText, out snapshot))
        {
            return BadRequest($"'{InternalBackupRoutes.SnapshotQuery}' must be true or false.");
        }

        query = new BatchQuery(epoch, snapshot, toSeq);
        return null;
    }

    /// <summary>
    /// Checks an Englang body before it is read: <c>application/octet-stream</c> (415 otherwise) and at
    /// most <paramref name="limit"/> bytes (413). The limit is also set as this request's Kestrel body
    /// limit, so a body without Content-Length is stopped at the same size while it is read.
    /// </summary>
    public static ProblemHttpResult? CheckEnglangBody(HttpRequest request, long limit)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals(InternalBackupRoutes.EnglangRequestType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                detail: $"Send Englang as '{InternalBackupRoutes.EnglangRequestType}', not base64 inside JSON.",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported body type.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        return request.ContentLength > limit ? TooLarge(limit) : null;
    }

    /// <summary>
    /// Reads a whole checked body into one array, through the process's pooled <see cref="BodyReader"/>
    /// (a declared Content-Length is a limit, never an allocation).
    /// </summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await request.HttpContext.RequestServices.GetRequiredService<BodyReader>().ReadAsync(request, limit, cancellationToken);
            return body.Status switch
            {
                BodyReadStatus.TooLarge => (null, TooLarge(limit)),
                BodyReadStatus.Busy => (null, Problems.Busy(request.HttpContext)),
                _ => (body.ToArray(), null),
            };
        }
        catch (Exception e) when (BodyProblem(e, limit) is { } problem)
        {
            return (null, problem);
        }
    }

    /// <summary>
    /// The problem for a body that could not be read: Kestrel's own 413 (past the limit) or 400 (cut
    /// short), or a body shorter than its Content-Length; <c>null</c> for anything else.
    /// </summary>
    public static ProblemHttpResult? BodyProblem(Exception e, long limit) => e switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(limit),
        BadHttpRequestException bad => BadRequest($"The body could not be read: {bad.Message}"),
        EndOfStreamException => BadRequest("The body ended before its Content-Length."),
        _ => null,
    };

    public static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(
            detail: $"One request carries at most {limit} bytes of Englang; send more as an upload in chunks of at most that size.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The body is too large.");

    /// <summary>503: this server is resyncing and does not count for the bucket yet; the silo counts it as not answering.</summary>
    public static ProblemHttpResult NotSynced(string bucketId) =>
        TypedResults.Problem(detail: new Cluster.ReplicaNotSyncedException(bucketId).Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Resyncing.");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.");

    /// <summary>The batch a request describes in its query.</summary>
    public readonly record struct BatchQuery(long Epoch, bool IsSnapshot, long ToSeq)
    {
        public ChangeBatch ToBatch(string bucketId, byte[] englang) => new(bucketId, Epoch, IsSnapshot, ToSeq, englang);
    }
}
