using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Buckets.Backup.Storage;

/// <summary>
/// Group commit for the change lines of every bucket: <c>&lt;DataDirectory&gt;/wal/wal-&lt;n&gt;.englang</c>.
/// Appends from any number of buckets that arrive while one fsync runs are written together and made
/// durable by the next single fsync, so a pull round over a thousand buckets (or a thousand concurrent
/// critical writes) costs a few fsyncs instead of one each. The log holds the very Englang lines the
/// bucket files get (each names its bucket, its change and a checksum), so it is readable too.
/// <para>
/// The write-ahead rule: a line reaches a bucket file only after it is durable here, and the bucket
/// files a generation of the log touched are fsynced (the checkpoint) before that generation is
/// deleted. Recovery replays the remaining generations into the bucket files, so after a crash every
/// acknowledged line is in its bucket file and nothing in a bucket file was never made durable.
/// </para>
/// <para>
/// A failed write or fsync of the log fails it for good (what reached the disk is unknown after a
/// failed fsync): every later append throws, and the process must restart to recover from the files.
/// </para>
/// </summary>
internal sealed partial class WriteAheadLog : IDisposable
{
    public const string Folder = "wal";
    private const string Prefix = "wal-";

    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _directory;
    private readonly BackupStoreOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private Generation _current;
    private Task _checkpoints = Task.CompletedTask;
    private Exception? _failure;

    public WriteAheadLog(string directory, long firstGeneration, BackupStoreOptions settings, TimeProvider time, ILogger logger)
    {
        _directory = directory;
        _settings = settings;
        _time = time;
        _logger = logger;
        DurableFiles.CreateDirectory(directory);
        _current = Generation.Create(directory, firstGeneration, time.GetUtcNow());
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The files of the log in order, oldest first (what recovery replays).</summary>
    public static IReadOnlyList<(long Number, string Path)> Files(string directory) =>
        !Directory.Exists(directory)
            ? []
            : [.. Directory.EnumerateFiles(directory, Prefix + "*" + FileNames.Extension)
                .Select(path => (Number: ParseNumber(path), Path: path))
                .Where(file => file.Number >= 0)
                .OrderBy(file => file.Number)];

    /// <summary>Set once the log failed; every append then throws it.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Makes <paramref name="lines"/> durable together with whatever else is waiting. The caller must
    /// write them to their bucket file next and then call <see cref="Release"/> with the ticket.
    /// </summary>
    /// <remarks>Not cancellable: once queued, the bytes may already be on their way to the disk.</remarks>
    public async Task<Ticket> AppendAsync(ReadOnlyMemory<byte> lines)
    {
        ThrowIfFailed();
        var request = new Request(lines, false);
        ObjectDisposedException.ThrowIf(!_requests.Writer.TryWrite(request), this);

        return await request.Done.Task.ConfigureAwait(false) ?? throw new InvalidOperationException("The log answered an append without a ticket.");
    }

    /// <summary>
    /// Records that the lines of <paramref name="ticket"/> were written to <paramref name="bucketFile"/>
    /// (null when writing them failed), so the checkpoint fsyncs that file before dropping the log.
    /// </summary>
    public static void Release(Ticket ticket, string? bucketFile) => ticket.Generation.Release(bucketFile);

    /// <summary>
    /// Starts a new generation and completes once every older one is checkpointed and deleted: after
    /// it, no line appended before the call is left in the log (an erasure waits for this).
    /// </summary>
    public async Task CheckpointAsync()
    {
        ThrowIfFailed();
        var request = new Request(ReadOnlyMemory<byte>.Empty, true);
        ObjectDisposedException.ThrowIf(!_requests.Writer.TryWrite(request), this);

        await request.Done.Task.ConfigureAwait(false);
        await Volatile.Read(ref _checkpoints).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _requests.Writer.TryComplete();
        try
        {
            _writer.Wait();
            _checkpoints.Wait();
        }
        catch (AggregateException)
        {
            // Failures were reported when they happened; a stopping store has no one left to tell.
        }

        _current.Handle.Dispose();
    }

    private static long ParseNumber(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;
    }

    private void ThrowIfFailed()
    {
        if (Failure is { } failure)
        {
            throw new IOException("The backup store's write-ahead log failed; restart the backup server to recover from its files.", failure);
        }
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Request>();
        var buffer = new ArrayBufferWriter<byte>();
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            buffer.Clear();
            var rotate = false;
            while (buffer.WrittenCount < _settings.WalMaxGroupBytes && _requests.Reader.TryRead(out var request))
            {
                group.Add(request);
                rotate |= request.Rotate;
                buffer.Write(request.Lines.Span);
            }

            try
            {
                var generation = _current;
                if (buffer.WrittenCount > 0)
                {
                    ThrowIfFailed();
                    RandomAccess.Write(generation.Handle, buffer.WrittenSpan, generation.Length);
                    generation.Length += buffer.WrittenCount;
                    DurableFiles.Sync(generation.Handle, generation.Path);
                }

                foreach (var request in group.Where(r => !r.Rotate))
                {
                    generation.Acquire();
                    request.Done.TrySetResult(new Ticket(generation));
                }

                if (rotate || generation.Length >= _settings.WalCheckpointBytes || _time.GetUtcNow() - generation.OpenedAt >= _settings.WalCheckpointInterval)
                {
                    Rotate();
                }

                foreach (var request in group.Where(r => r.Rotate))
                {
                    request.Done.TrySetResult(null);
                }
            }
            catch (Exception e)
            {
                Volatile.Write(ref _failure, e);
                LogFailed(_logger, e, _current.Path);
                foreach (var request in group)
                {
                    request.Done.TrySetException(e);
                }
            }
        }
    }

    /// <summary>Opens the next generation and queues the checkpoint of the one just closed.</summary>
    private void Rotate()
    {
        var old = _current;
        if (old.Length == 0)
        {
            // Nothing was ever appended to it: there is nothing to checkpoint.
            return;
        }

        _current = Generation.Create(_directory, old.Number + 1, _time.GetUtcNow());
        old.Handle.Dispose();
        old.Close();
        var previous = _checkpoints;
        Volatile.Write(ref _checkpoints, Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            await CheckpointGenerationAsync(old).ConfigureAwait(false);
        }));
    }

    private async Task CheckpointGenerationAsync(Generation generation)
    {
        try
        {
            await generation.Drained.ConfigureAwait(false);
            var files = generation.TakeDirtyFiles();
            foreach (var path in files)
            {
                // A file renamed (sealed) or deleted since was fsynced before that, or no longer matters.
                DurableFiles.SyncFile(path);
            }

            File.Delete(generation.Path);
            DurableFiles.SyncDirectory(_directory);
            LogCheckpointed(_logger, Path.GetFileName(generation.Path), files.Count, generation.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The generation stays on disk, so recovery replays it: nothing is lost, but nothing can be
            // trusted to be durable after a failed fsync either.
            Volatile.Write(ref _failure, e);
            LogFailed(_logger, e, generation.Path);
        }
    }

    [LoggerMessage(3030, LogLevel.Critical, "The write-ahead log {File} failed; the backup store refuses writes until the server restarts")]
    private static partial void LogFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(3031, LogLevel.Debug, "Checkpointed {File}: fsynced {Files} bucket files for {Bytes} bytes of log")]
    private static partial void LogCheckpointed(ILogger logger, string file, int files, long bytes);

    /// <summary>Proof that appended lines are durable in the log; hand it back with <see cref="Release"/>.</summary>
    internal sealed class Ticket(Generation generation)
    {
        public Generation Generation { get; } = generation;
    }

    private sealed class Request(ReadOnlyMemory<byte> lines, bool rotate)
    {
        public ReadOnlyMemory<byte> Lines { get; } = lines;

        public bool Rotate { get; } = rotate;

        public TaskCompletionSource<Ticket?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One file of the log, and the bucket files its lines went to since it was opened.</summary>
    internal sealed class Generation
    {
        // Written by every appender at once after a group commit: no lock, so they never queue on one.
        private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _closed;

        private Generation(long number, string path, SafeFileHandle handle, DateTimeOffset openedAt)
        {
            Number = number;
            Path = path;
            Handle = handle;
            OpenedAt = openedAt;
        }

        public long Number { get; }

        public string Path { get; }

        public SafeFileHandle Handle { get; }

        public DateTimeOffset OpenedAt { get; }

        /// <summary>Bytes written so far (only the writer loop touches it).</summary>
        public long Length { get; set; }

        /// <summary>Completes once the generation is closed and every appender released its ticket.</summary>
        public Task Drained => _drained.Task;


        public static Generation Create(string directory, long number, DateTimeOffset now)
        {
            var path = System.IO.Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number:D12}{FileNames.Extension}"));
            var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            DurableFiles.SyncDirectory(directory);
            return new Generation(number, path, handle, now);
        }

        /// <summary>Only the writer loop acquires, and only before it closes the generation.</summary>
        public void Acquire() => Interlocked.Increment(ref _inFlight);

        public void Release(string? bucketFile)
        {
            if (bucketFile is not null)
            {
                _dirty.TryAdd(bucketFile, 0);
            }

            if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _closed) == 1)
            {
                _drained.TrySetResult();
            }
        }

        public void Close()
        {
            Interlocked.Exchange(ref _closed, 1);
            if (Volatile.Read(ref _inFlight) == 0)
            {
                _drained.TrySetResult();
            }
        }

        public List<string> TakeDirtyFiles() => [.. _dirty.Keys];
    }
}
