using System.Buffers;
using System.Collections.Concurrent;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Uploads;

/// <summary>
/// Upload sessions of batches above <see cref="UploadOptions.MaxRequestBytes"/>: their chunks are
/// spooled, in order, to one file per upload under <c>&lt;DataDirectory&gt;/incoming/</c> (a folder the
/// store never reads) until the silo commits them. The spool is deliberately not durable: nothing is
/// acknowledged before the commit has gone through the store, so an upload lost with the process is
/// simply sent again by its bucket. Sessions live in memory, so files found at start-up are deleted,
/// and so are uploads that received nothing for <see cref="UploadOptions.AbandonAfter"/>. Thread-safe;
/// the chunks of one upload are applied one at a time.
/// </summary>
public sealed partial class UploadSpool : BackgroundService
{
    /// <summary>The folder under the data directory that holds spooled uploads.</summary>
    public const string FolderName = "incoming";

    private const string FileExtension = ".part";

    // Copy buffer for one chunk: large enough that a few MiB are a few hundred reads, small enough to rent freely.
    private const int CopyBufferBytes = 81_920;

    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Lock _openLock = new();
    private readonly UploadOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UploadSpool> _logger;

    public UploadSpool(IOptions<UploadOptions> options, IOptions<BackupStoreOptions> store, TimeProvider time, ILogger<UploadSpool> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Folder = Path.Combine(store.Value.DataDirectory, FolderName);
    }

    /// <summary>What became of one chunk.</summary>
    public enum ChunkStatus
    {
        /// <summary>Appended; <see cref="ChunkResult.Length"/> is the upload's new length.</summary>
        Appended,

        /// <summary>No such open upload for the bucket (never opened, committed, abandoned or expired).</summary>
        UnknownUpload,

        /// <summary>The chunk does not start at the upload's length (<see cref="ChunkResult.Length"/>); nothing was written.</summary>
        WrongOffset,

        /// <summary>The upload would pass <see cref="UploadOptions.MaxUploadBytes"/>; nothing of the chunk was kept.</summary>
        TooLarge,
    }

    /// <summary>The spool folder.</summary>
    public string Folder { get; }

    /// <summary>Opens an upload for the bucket; <c>null</c> when <see cref="UploadOptions.MaxOpenUploads"/> are open already.</summary>
    public string? Open(string bucketId)
    {
        lock (_openLock)
        {
            if (_uploads.Count >= _options.MaxOpenUploads)
            {
                return null;
            }

            Directory.CreateDirectory(Folder);
            var id = Guid.NewGuid().ToString("N");
            var path = Path.Combine(Folder, id + FileExtension);
            File.Create(path).Dispose();
            _uploads[id] = new Upload(bucketId, path, _time.GetUtcNow());
            return id;
        }
    }

    /// <summary>
    /// Appends the body as the chunk at <paramref name="offset"/>. A chunk that fails midway (the
    /// request was cut, or it passed a limit) is cut off again, so the same chunk can be sent again.
    /// </summary>
    public async Task<ChunkResult> AppendAsync(string bucketId, string uploadId, long offset, Stream body, CancellationToken cancellationToken)
    {
        if (!TryGet(bucketId, uploadId, out var upload))
        {
            return new ChunkResult(ChunkStatus.UnknownUpload, 0);
        }

        await upload.Gate.WaitAsync(cancellationToken);
        try
        {
            if (upload.IsClosed)
            {
                return new ChunkResult(ChunkStatus.UnknownUpload, 0);
            }

            if (offset != upload.Length)
            {
                return new ChunkResult(ChunkStatus.WrongOffset, upload.Length);
            }

            var room = _options.MaxUploadBytes - upload.Length;
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            await using var file = new FileStream(upload.Path, FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            file.Position = upload.Length;
            var written = 0L;
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    if (written + read > room)
                    {
                        file.SetLength(upload.Length);
                        return new ChunkResult(ChunkStatus.TooLarge, upload.Length);
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    written += read;
                }
            }
            catch
            {
                file.SetLength(upload.Length);
                throw;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            upload.Length += written;
            upload.LastUsed = _time.GetUtcNow();
            return new ChunkResult(ChunkStatus.Appended, upload.Length);
        }
        finally
        {
            upload.Gate.Release();
        }
    }

    /// <summary>Closes the upload and returns everything it received (its file is deleted); <c>null</c> when there is no such upload.</summary>
    public async Task<byte[]?> TakeAsync(string bucketId, string uploadId, CancellationToken cancellationToken)
    {
        if (!TryGet(bucketId, uploadId, out var upload))
        {
            return null;
        }

        await upload.Gate.WaitAsync(cancellationToken);
        try
        {
            if (upload.IsClosed)
            {
                return null;
            }

            // The store takes a batch as one array: this is the one copy of the assembled bytes.
            var bytes = await File.ReadAllBytesAsync(upload.Path, cancellationToken);
            Close(uploadId, upload);
            return bytes;
        }
        finally
        {
            upload.Gate.Release();
        }
    }

    /// <summary>Deletes an upload the silo gave up on; false when there is no such upload.</summary>
    public async Task<bool> AbandonAsync(string bucketId, string uploadId, CancellationToken cancellationToken)
    {
        if (!TryGet(bucketId, uploadId, out var upload))
        {
            return false;
        }

        await upload.Gate.WaitAsync(cancellationToken);
        try
        {
            if (upload.IsClosed)
            {
                return false;
            }

            Close(uploadId, upload);
            return true;
        }
        finally
        {
            upload.Gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DeleteLeftovers();
        // Sweeping at half the timeout keeps an abandoned upload at most 1.5 timeouts on disk.
        using var timer = new PeriodicTimer(_options.AbandonAfter / 2, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                ExpireAbandoned();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the next start deletes what is left.
        }
    }

    private void ExpireAbandoned()
    {
        var cutoff = _time.GetUtcNow() - _options.AbandonAfter;
        foreach (var (id, upload) in _uploads)
        {
            // An upload busy with a chunk or a commit is in use, not abandoned: skip it this round.
            if (upload.Gate.Wait(0))
            {
                try
                {
                    if (!upload.IsClosed && upload.LastUsed < cutoff)
                    {
                        LogAbandoned(_logger, upload.BucketId, id, upload.Length);
                        Close(id, upload);
                    }
                }
                finally
                {
                    upload.Gate.Release();
                }
            }
        }
    }

    private void DeleteLeftovers()
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Folder, "*" + FileExtension))
        {
            if (!_uploads.Values.Any(u => u.Path == file))
            {
                File.Delete(file);
                count++;
            }
        }

        if (count > 0)
        {
            LogLeftoversDeleted(_logger, count, Folder);
        }
    }

    private bool TryGet(string bucketId, string uploadId, out Upload upload) =>
        _uploads.TryGetValue(uploadId, out upload!) && upload.BucketId == bucketId;

    /// <summary>Only while the upload's gate is held.</summary>
    private void Close(string uploadId, Upload upload)
    {
        upload.IsClosed = true;
        _uploads.TryRemove(uploadId, out _);
        File.Delete(upload.Path);
    }

    [LoggerMessage(3301, LogLevel.Warning, "Bucket {BucketId}: upload {UploadId} received nothing for too long and was deleted ({Bytes} bytes spooled)")]
    private static partial void LogAbandoned(ILogger logger, string bucketId, string uploadId, long bytes);

    [LoggerMessage(3302, LogLevel.Information, "Deleted {Count} spooled uploads left in {Folder} by an earlier run")]
    private static partial void LogLeftoversDeleted(ILogger logger, int count, string folder);

    /// <summary>The outcome of <see cref="AppendAsync"/>.</summary>
    /// <param name="Status">What happened.</param>
    /// <param name="Length">The upload's length after the call (what the next chunk's offset must be).</param>
    public readonly record struct ChunkResult(ChunkStatus Status, long Length);

    /// <summary>One open upload. Length, LastUsed and IsClosed change only while <see cref="Gate"/> is held.</summary>
    private sealed class Upload(string bucketId, string path, DateTimeOffset openedAt)
    {
        public string BucketId { get; } = bucketId;

        public string Path { get; } = path;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long Length { get; set; }

        public DateTimeOffset LastUsed { get; set; } = openedAt;

        public bool IsClosed { get; set; }
    }
}
