using System.Globalization;

namespace Buckets.Backup.Endpoints;

/// <summary>
/// The silo-to-backup-server protocol's paths, query names and headers, written once for both
/// sides (the endpoints here, <c>HttpBackupClient</c> on the silo). Englang travels as raw bytes,
/// never base64 inside JSON; see docs/backup-transfer.md.
/// </summary>
public static class InternalBackupRoutes
{
    /// <summary>The media type of every request body that carries Englang.</summary>
    public const string EnglangRequestType = "application/octet-stream";

    /// <summary>
    /// The least request body limit a backup server may set (Backup:Upload:MaxRequestBytes): a body
    /// up to this size is never refused for its size, so a silo sends it without waiting for
    /// <c>100 Continue</c>; a larger one waits, so a 413 arrives before the body is sent.
    /// </summary>
    public const long SmallestRequestLimit = 64 * 1024;

    /// <summary>Response header of an epoch grant: the epoch granted.</summary>
    public const string EpochHeader = "Buckets-Epoch";

    /// <summary>Response header of an epoch grant: the last stored change the snapshot body is at.</summary>
    public const string LastSeqHeader = "Buckets-Last-Seq";

    /// <summary>Response header of an epoch answer: the epoch whose activation wrote the last stored change.</summary>
    public const string WriterEpochHeader = "Buckets-Writer-Epoch";

    /// <summary>Response header of a replica's copy: present when the copy is an erasure (the taker erases too).</summary>
    public const string ErasedHeader = "Buckets-Erased";

    internal const string ProposeQuery = "propose";
    internal const string StateQuery = "state";
    internal const string EpochQuery = "epoch";
    internal const string SnapshotQuery = "snapshot";
    internal const string ToSeqQuery = "toSeq";
    internal const string OffsetQuery = "offset";

    /// <summary>
    /// POST: asks for an epoch (the proposed one, else the next); granted: 200 with the state at it as the
    /// body (Englang, empty unless asked for), refused: 409 with the highest epoch known; epoch, last
    /// change and writer epoch in headers either way.
    /// </summary>
    public static string Epochs(string bucketId, Abstractions.Backup.EpochRequest request)
    {
        var query = request.Proposed is { } proposed ? string.Create(CultureInfo.InvariantCulture, $"?{ProposeQuery}={proposed}&") : "?";
        return $"/internal/v1/buckets/{bucketId}/epochs{query}{StateQuery}={(request.WithState ? "true" : "false")}";
    }

    /// <summary>GET: a page of the bucket ids this server holds (<c>?after=&amp;limit=</c>), for a peer that resyncs.</summary>
    public const string BucketList = "/internal/v1/buckets";

    /// <summary>GET: the bucket's whole copy (Englang state as the body; epoch, writer epoch and last change in headers), for a peer that resyncs.</summary>
    public static string Replica(string bucketId) => $"/internal/v1/buckets/{bucketId}/replica";

    /// <summary>
    /// GET: what this server holds of the bucket without its state (a <c>ReplicaDigest</c> as JSON): epochs,
    /// last change, state digest, class; at <paramref name="atSeq"/> when given (410 when no longer kept),
    /// for a peer's integrity sweep.
    /// </summary>
    public static string Digest(string bucketId, long? atSeq = null) =>
        $"/internal/v1/buckets/{bucketId}/digest" + (atSeq is { } seq ? $"?seq={seq.ToString(CultureInfo.InvariantCulture)}" : "");

    /// <summary>POST: one batch (changes or a snapshot) as the raw Englang body, up to the server's request limit.</summary>
    public static string Batches(string bucketId, long epoch, bool snapshot, long toSeq) =>
        $"/internal/v1/buckets/{bucketId}/batches{BatchQuery(epoch, snapshot, toSeq)}";

    /// <summary>POST: opens an upload session for a batch above the request limit.</summary>
    public static string Uploads(string bucketId) => $"/internal/v1/buckets/{bucketId}/uploads";

    /// <summary>PUT: the chunk starting at <paramref name="offset"/>; DELETE (without offset): abandons the upload.</summary>
    public static string Upload(string bucketId, string uploadId, long? offset = null) =>
        $"/internal/v1/buckets/{bucketId}/uploads/{uploadId}" + (offset is { } o ? $"?{OffsetQuery}={o.ToString(CultureInfo.InvariantCulture)}" : "");

    /// <summary>POST: stores the assembled upload as one batch and answers its acknowledgement.</summary>
    public static string UploadCommit(string bucketId, string uploadId, long epoch, bool snapshot, long toSeq) =>
        $"/internal/v1/buckets/{bucketId}/uploads/{uploadId}/commit{BatchQuery(epoch, snapshot, toSeq)}";

    /// <summary>Response header of a read of changes: the smallest number a reader may resume after.</summary>
    public const string OldestAfterHeader = "Buckets-Oldest-After";

    /// <summary>
    /// GET: the stored change lines after <paramref name="afterSeq"/> (at most <paramref name="limit"/>), as
    /// Englang; the oldest number one may resume after and the last stored change in headers. For the change feed.
    /// </summary>
    public static string Changes(string bucketId, long afterSeq, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"/internal/v1/buckets/{bucketId}/changes?after={afterSeq}&limit={limit}");

    /// <summary>Reads one of the numeric headers above from an answer; a missing or malformed one is invalid data.</summary>
    public static long ReadHeader(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"The backup server's answer has no valid {name} header.");
    }

    private static string BatchQuery(long epoch, bool snapshot, long toSeq) =>
        string.Create(CultureInfo.InvariantCulture, $"?{EpochQuery}={epoch}&{SnapshotQuery}={(snapshot ? "true" : "false")}&{ToSeqQuery}={toSeq}");
}
