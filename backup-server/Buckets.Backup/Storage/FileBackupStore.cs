using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Storage;

/// <summary>
/// The backup store on a local file system: <c>&lt;DataDirectory&gt;/buckets/&lt;bucketId&gt;/</c> holds a
/// bucket's Englang snapshot and change segment files plus a <c>manifest.json</c> naming the live and
/// retired ones; <c>&lt;DataDirectory&gt;/audit/erasures.englang</c> records erasures.
/// Operations on one bucket are serialised by a per-bucket semaphore; buckets run in parallel.
/// Change lines of all buckets are made durable together by the <see cref="WriteAheadLog"/> (group
/// commit) before they are written to their bucket's files. When the store is created it replays what
/// the log still holds into the bucket files and finishes erasures a crash interrupted; a bucket is
/// recovered (torn tail cut, leftovers of interrupted operations removed) the first time it is used,
/// and again after any operation on it failed.
/// </summary>
public sealed partial class FileBackupStore : IBackupStore, IDisposable
{
    private const string BucketsFolder = "buckets";
    private const string AuditFolder = "audit";

    private readonly ConcurrentDictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private readonly BackupStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FileBackupStore> _logger;
    private readonly string _bucketsDirectory;
    private readonly ErasureAudit _audit;
    private readonly PendingErasures _pendingErasures;
    private readonly OpenSegmentFiles _files;
    private readonly WriteAheadLog _wal;
    private readonly ITimer _evictions;

    public FileBackupStore(IOptions<BackupStoreOptions> options, TimeProvider timeProvider, ILogger<FileBackupStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.DataDirectory, nameof(options));
        _time = timeProvider;
        _logger = logger;
        DataDirectory = Path.GetFullPath(_options.DataDirectory);
        _bucketsDirectory = Path.Combine(DataDirectory, BucketsFolder);
        DurableFiles.CreateDirectory(_bucketsDirectory);
        _audit = new ErasureAudit(Path.Combine(DataDirectory, AuditFolder), logger);
        _pendingErasures = new PendingErasures(Path.Combine(DataDirectory, AuditFolder));
        _files = new OpenSegmentFiles(_options.OpenFileCacheSize);
        _evictions = timeProvider.CreateTimer(_ => EvictIdleStates(), null, _options.StateIdleTimeout, _options.StateIdleTimeout);
        var walDirectory = Path.Combine(DataDirectory, WriteAheadLog.Folder);
        var nextGeneration = ReplayWriteAheadLog(walDirectory);
        _wal = new WriteAheadLog(walDirectory, nextGeneration, _options, timeProvider, logger);
        FinishPendingErasures();
    }

    /// <inheritdoc />
    public Exception? Failure => _wal.Failure;

    /// <summary>Buckets the store holds in memory right now.</summary>
    internal int CachedStates => _buckets.Count;

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The erasure audit log's full path.</summary>
    public string ErasureAuditPath => _audit.FilePath;

    /// <inheritdoc />
    public IReadOnlyList<string> ListBuckets()
    {
        if (!Directory.Exists(_bucketsDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(_bucketsDirectory)
            .Select(Path.GetFileName)
            .Where(BucketIds.IsValid)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];
    }

    public IEnumerable<string> EnumerateBuckets() =>
        Directory.Exists(_bucketsDirectory)
            ? Directory.EnumerateDirectories(_bucketsDirectory).Select(Path.GetFileName).Where(BucketIds.IsValid).OfType<string>()
            : [];

    public Stream? OpenFile(string bucketId, string fileName)
    {
        // Only plain names of the store's own files: never a path out of the bucket's folder.
        if (!BucketIds.IsValid(bucketId) || fileName.Length == 0 || fileName != Path.GetFileName(fileName)
            || !fileName.EndsWith(".englang", StringComparison.Ordinal) || fileName.StartsWith('.'))
        {
            return null;
        }

        var path = Path.Combine(_bucketsDirectory, bucketId, fileName);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Stops the log's writer and closes every file; what was acknowledged is already durable.</summary>
    public void Dispose()
    {
        _evictions.Dispose();
        _wal.Dispose();
        _files.Dispose();
    }

    /// <summary>
    /// Drops what the store holds in memory about buckets unused for <see cref="BackupStoreOptions.StateIdleTimeout"/>
    /// (their files say it all; the next use loads them again), so memory follows the active buckets,
    /// not every bucket ever seen. A bucket in use right now (its gate taken) is left for the next round.
    /// </summary>
    internal int EvictIdleStates()
    {
        var evicted = 0;
        foreach (var (bucketId, state) in _buckets)
        {
            if (_time.GetElapsedTime(state.LastUsed) < _options.StateIdleTimeout || !state.Gate.Wait(0))
            {
                continue;
            }

            try
            {
                if (_time.GetElapsedTime(state.LastUsed) >= _options.StateIdleTimeout
                    && _buckets.TryRemove(new KeyValuePair<string, BucketState>(bucketId, state)))
                {
                    _files.Close(state);
                    state.Evicted = true;
                    evicted++;
                }
            }
            finally
            {
                state.Gate.Release();
            }
        }

        return evicted;
    }

    private BucketState StateOf(string bucketId) =>
        _buckets.GetOrAdd(bucketId, static (id, root) => new BucketState(id, Path.Combine(root, id)), _bucketsDirectory);

    /// <summary>Runs <paramref name="action"/> on the loaded bucket while holding its semaphore.</summary>
    private Task<T> WithBucketAsync<T>(string bucketId, string operation, Func<BucketState, T> action, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, operation, state => Task.FromResult(action(state)), cancellationToken);

    /// <summary>Runs <paramref name="action"/> on the loaded bucket while holding its semaphore.</summary>
    private Task<T> WithBucketAsync<T>(string bucketId, string operation, Func<BucketState, Task<T>> action, CancellationToken cancellationToken) =>
        RunOnBucketAsync(bucketId, operation, action, recover: true, cancellationToken);

    /// <summary>Runs <paramref name="action"/> under the bucket's semaphore without loading it first (a repair works on a bucket whose recovery fails).</summary>
    private Task<T> WithUnloadedBucketAsync<T>(string bucketId, string operation, Func<BucketState, T> action, CancellationToken cancellationToken) =>
        RunOnBucketAsync(bucketId, operation, state => Task.FromResult(action(state)), recover: false, cancellationToken);

    private async Task<T> RunOnBucketAsync<T>(string bucketId, string operation, Func<BucketState, Task<T>> action, bool recover, CancellationToken cancellationToken)
    {
        BucketIds.Validate(bucketId, nameof(bucketId));
        var state = StateOf(bucketId);
        await state.Gate.WaitAsync(cancellationToken);
        while (state.Evicted)
        {
            state.Gate.Release();
            state = StateOf(bucketId);
            await state.Gate.WaitAsync(cancellationToken);
        }

        state.LastUsed = _time.GetTimestamp();
        try
        {
            if (recover && !state.IsLoaded)
            {
                Load(state);
            }

            return await action(state);
        }
        catch (BackupHistoryUnavailableException)
        {
            throw;
        }
        catch (BackupCorruptException exception)
        {
            StorageLog.HistoryDamaged(_logger, bucketId, exception.FileName ?? FileNames.Manifest, exception.Line);
            Invalidate(state);
            throw;
        }
        catch (Exception exception)
        {
            // The disk may now differ from memory (a half-done write); reloading re-runs recovery.
            StorageLog.OperationFailed(_logger, exception, bucketId, operation);
            Invalidate(state);
            throw;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Recovers the bucket folder from disk; cached handles go first, since recovery may rename, cut or delete files.</summary>
    private void Load(BucketState state)
    {
        _files.Close(state);
        BucketRecovery.Load(state, _logger);
    }

    private void Invalidate(BucketState state)
    {
        _files.Close(state);
        state.Invalidate();
    }

    /// <summary>Writes the manifest (stamped with the current last change) durably and keeps it; cached handles go, since files are renamed or deleted next.</summary>
    private void Commit(BucketState state, BucketManifest manifest)
    {
        _files.Close(state);
        var stamped = manifest with { LastSeq = state.LastSeq, LastChangeAt = state.LastChangeAt };
        ManifestFile.Save(state.Directory, stamped);
        state.Manifest = stamped;
    }

    private DateTimeOffset Now() => StateSnapshots.ToEnglangPrecision(_time.GetUtcNow());
}
