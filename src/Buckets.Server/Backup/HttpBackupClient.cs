using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Endpoints;
using Buckets.Backup.Uploads;
using Buckets.Grains.Backup;
using Buckets.Hosting.Security;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Backup;

/// <summary>
/// Talks to a separate backup server over HTTP with the internal token (paths in
/// <see cref="InternalBackupRoutes"/>). Englang travels as raw bytes both ways: a batch up to
/// <see cref="BackupClientOptions.ChunkBytes"/> is one request, a larger one an upload of chunks
/// committed as one batch; an epoch grant's snapshot, or a restored state, is the response body,
/// read in pieces of at most <see cref="BackupClientOptions.ChunkBytes"/>. Each call has its own
/// timeout: <see cref="BackupClientOptions.RequestTimeout"/> for changes,
/// <see cref="BackupClientOptions.TransferTimeout"/> for whatever carries a whole bucket.
/// </summary>
public sealed class HttpBackupClient(IHttpClientFactory clients, Uri server, InternalToken token, IOptions<BackupClientOptions> options) : IBackupClient
{
    /// <summary>The named HTTP client every backup server is called through (no client-wide timeout: each call has its own).</summary>
    public const string HttpClientName = "buckets-backup-replica";

    private readonly BackupClientOptions _options = options.Value;

    public bool IsEnabled => true;

    public async Task<BackupEpoch> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var deadline = Deadline(request.WithState ? _options.TransferTimeout : _options.RequestTimeout, cancellationToken);
        using var response = await SendAsync(HttpMethod.Post, InternalBackupRoutes.Epochs(bucketId, request), null, deadline.Token, HttpCompletionOption.ResponseHeadersRead);
        var refused = response.StatusCode == HttpStatusCode.Conflict;
        if (!refused)
        {
            response.EnsureSuccessStatusCode();
        }

        var epoch = InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.EpochHeader);
        var lastSeq = InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.LastSeqHeader);
        var writer = InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.WriterEpochHeader);
        var state = request.WithState && !refused ? await ReadPiecesAsync(response, deadline.Token) : [];
        return new BackupEpoch(epoch, lastSeq, state) { Granted = !refused, WriterEpoch = writer };
    }

    public async Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        var single = batch.Englang.Length <= _options.ChunkBytes;
        using var deadline = Deadline(single && !batch.IsSnapshot ? _options.RequestTimeout : _options.TransferTimeout, cancellationToken);
        if (single)
        {
            var path = InternalBackupRoutes.Batches(batch.BucketId, batch.Epoch, batch.IsSnapshot, batch.ToSeq);
            // A body the server may refuse for its size waits for 100 Continue, so a 413 comes before it is sent.
            var mayBeRefused = batch.Englang.Length > InternalBackupRoutes.SmallestRequestLimit;
            using var response = await SendAsync(HttpMethod.Post, path, Englang(batch.Englang), deadline.Token, expectContinue: mayBeRefused);
            // 413: the backup server takes smaller requests than this silo's ChunkBytes; its upload says how small.
            if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge)
            {
                return await ReadJsonAsync<BackupAck>(response, deadline.Token);
            }
        }

        return await UploadAsync(batch, deadline.Token);
    }

    public async Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        var query = atSeq is { } seq ? $"?seq={seq}" : atTime is { } at ? $"?at={Uri.EscapeDataString(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}" : "";
        using var deadline = Deadline(_options.TransferTimeout, cancellationToken);
        using var response = await SendAsync(HttpMethod.Get, $"/internal/v1/buckets/{bucketId}/state{query}", null, deadline.Token, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Gone)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(deadline.Token);
            throw new BackupReadException(problem?.Detail ?? "The backup server cannot give that state.") { Damaged = response.StatusCode == HttpStatusCode.UnprocessableEntity };
        }

        response.EnsureSuccessStatusCode();
        return await ReadPiecesAsync(response, deadline.Token);
    }

    public async Task<StoredChanges?> ReadChangesAsync(string bucketId, long afterSeq, int maxChanges, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(_options.TransferTimeout, cancellationToken);
        using var response = await SendAsync(HttpMethod.Get, InternalBackupRoutes.Changes(bucketId, afterSeq, maxChanges), null, deadline.Token, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var englang = await response.Content.ReadAsByteArrayAsync(deadline.Token);
        return new StoredChanges(englang, InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.OldestAfterHeader), InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.LastSeqHeader));
    }

    public async Task EraseAsync(string bucketId, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(_options.RequestTimeout, cancellationToken);
        using var response = await SendAsync(HttpMethod.Delete, $"/internal/v1/buckets/{bucketId}", null, deadline.Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Open, send every chunk in order, commit; on any failure the upload is abandoned so its spool is freed at once.</summary>
    private async Task<BackupAck> UploadAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        UploadCreated upload;
        using (var opened = await SendAsync(HttpMethod.Post, InternalBackupRoutes.Uploads(batch.BucketId), null, cancellationToken))
        {
            upload = await ReadJsonAsync<UploadCreated>(opened, cancellationToken);
        }

        try
        {
            if (batch.Englang.Length > upload.MaxUploadBytes)
            {
                throw new InvalidOperationException($"Bucket {batch.BucketId}'s batch is {batch.Englang.Length} bytes; the backup server takes at most {upload.MaxUploadBytes} (Backup:Upload:MaxUploadBytes).");
            }

            var chunk = (int)Math.Min(_options.ChunkBytes, upload.MaxChunkBytes);
            for (var offset = 0; offset < batch.Englang.Length; offset += chunk)
            {
                var part = Englang(batch.Englang.AsMemory(offset, Math.Min(chunk, batch.Englang.Length - offset)));
                using var sent = await SendAsync(HttpMethod.Put, InternalBackupRoutes.Upload(batch.BucketId, upload.UploadId, offset), part, cancellationToken);
                sent.EnsureSuccessStatusCode();
            }

            var commit = InternalBackupRoutes.UploadCommit(batch.BucketId, upload.UploadId, batch.Epoch, batch.IsSnapshot, batch.ToSeq);
            using var committed = await SendAsync(HttpMethod.Post, commit, null, cancellationToken);
            return await ReadJsonAsync<BackupAck>(committed, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await AbandonQuietlyAsync(batch.BucketId, upload.UploadId);
            throw;
        }
    }

    private async Task AbandonQuietlyAsync(string bucketId, string uploadId)
    {
        try
        {
            // The caller's token may be the one that expired: the clean-up gets its own short deadline.
            using var deadline = Deadline(_options.RequestTimeout, CancellationToken.None);
            using var _ = await SendAsync(HttpMethod.Delete, InternalBackupRoutes.Upload(bucketId, uploadId), null, deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // The server deletes an upload left idle for Backup:Upload:AbandonAfter anyway.
        }
    }

    private static ReadOnlyMemoryContent Englang(ReadOnlyMemory<byte> bytes)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(InternalBackupRoutes.EnglangRequestType);
        return content;
    }

    private static CancellationTokenSource Deadline(TimeSpan after, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(after);
        return source;
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        HttpContent? content,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(server, path)) { Content = content };
        request.Headers.Authorization = new("Bearer", token.Value);
        request.Headers.ExpectContinue = expectContinue;
        using var http = clients.CreateClient(HttpClientName);
        return await http.SendAsync(request, completion, cancellationToken);
    }


    /// <summary>
    /// Reads a body (a whole bucket's state) in pieces of at most <see cref="BackupClientOptions.ChunkBytes"/>:
    /// no buffer as large as the bucket, none on the large-object heap beyond the piece size, and no
    /// array-length limit on how large a bucket may be.
    /// </summary>
    internal async Task<IReadOnlyList<byte[]>> ReadPiecesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var pieceBytes = (int)Math.Min(_options.ChunkBytes, Array.MaxLength);
        var pieces = new List<byte[]>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        while (true)
        {
            var piece = new byte[pieceBytes];
            var filled = await stream.ReadAtLeastAsync(piece, pieceBytes, throwOnEndOfStream: false, cancellationToken);
            if (filled > 0)
            {
                pieces.Add(filled == pieceBytes ? piece : piece[..filled]);
            }

            if (filled < pieceBytes)
            {
                return pieces;
            }
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new InvalidDataException($"The backup server answered an empty {typeof(T).Name}.");
    }
}
