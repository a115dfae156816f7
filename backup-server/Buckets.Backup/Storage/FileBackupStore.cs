using System.Collections.Concurrent;
using System.Globalization;
using Buckets.Backup.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Storage;

/// <summary>
/// The backup store on a local file system: <c>&lt;DataDirectory&gt;/buckets/&lt;h1&gt;/&lt;h2&gt;/&lt;bucketId&gt;/</c>
/// (<see cref="BucketLayout"/>) holds a bucket's Englang snapshot and change segment files plus a
/// <c>manifest.json</c> naming the live and retired ones; <c>&lt;DataDirectory&gt;/audit/erasures.englang</c>
/// records erasures. A data directory of the flat layout (<c>buckets/&lt;bucketId&gt;/</c>) is moved to
/// the prefix folders when the store is created.
/// Operations on one bucket are serialised by a per-bucket semaphore; buckets run in parallel.
/// Change lines of all buckets are made durable together by the <see cref="WriteAheadLog"/> (group
/// commit) before they are written to their bucket's files. When the store is created it replays what
/// the log still holds into the bucket files and finishes erasures a crash interrupted; a bucket is
/// recovered (torn tail cut, leftovers of interrupted operations removed) the first time it is used,
/// and again after any operation on it failed.
/// </summary>
public sealed partial class FileBackupStore : IBackupStore, IDisposable
{
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
    private readonly BackupEventLog? _events;
    private int _trimming;

    /// <summary>Opens the store; with <paramref name="events"/> it raises corruption found and repaired.</summary>
    public FileBackupStore(IOptions<BackupStoreOptions> options, TimeProvider timeProvider, ILogger<FileBackupStore> logger, BackupEventLog? events = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.DataDirectory, nameof(options));
        _time = timeProvider;
        _logger = logger;
        _events = events;
        DataDirectory = Path.GetFullPath(_options.DataDirectory);
        _bucketsDirectory = Path.Combine(DataDirectory, BucketLayout.Folder);
        DurableFiles.CreateDirectory(_bucketsDirectory);

        // Before anything reads a bucket folder: the log replay below finds them by the new layout.
        BucketLayout.MigrateFlat(_bucketsDirectory, logger);
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
    public BucketIdPage ListBuckets(string? after, int limit) => BucketLayout.Page(_bucketsDirectory, after, limit);

    public IEnumerable<string> EnumerateBuckets() => BucketLayout.Enumerate(_bucketsDirectory, null);

    public Stream? OpenFile(string bucketId, string fileName)
    {
        // Only plain names of the store's own files: never a path out of the bucket's folder.
        if (!BucketIds.IsValid(bucketId) || fileName.Length == 0 || fileName != Path.GetFileName(fileName)
            || !fileName.EndsWith(".englang", StringComparison.Ordinal) || fileName.StartsWith('.'))
        {
            return null;
        }

        var path = Path.Combine(BucketLayout.PathUnder(_bucketsDirectory, bucketId), fileName);
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
    internal int EvictIdleStates() =>
        _buckets.Values.Count(state => _time.GetElapsedTime(state.LastUsed) >= _options.StateIdleTimeout && TryEvict(state, idleOnly: true));

    /// <summary>
    /// Keeps the cached states at most <see cref="BackupStoreOptions.MaxCachedStates"/> however many
    /// buckets are used within <see cref="BackupStoreOptions.StateIdleTimeout"/> (a retention sweep visits
    /// every bucket): the least recently used go first, a tenth below the limit so the sort is paid
    /// once per many new buckets. Buckets in use right now stay.
    /// </summary>
    internal int TrimStates()
    {
        var limit = _options.MaxCachedStates;
        if (_buckets.Count <= limit || Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return 0;
        }

        try
        {
            var excess = _buckets.Count - limit + (limit / 10);
            var evicted = _buckets.Values.OrderBy(state => state.LastUsed).Take(excess).ToList().Count(state => TryEvict(state, idleOnly: false));
            StorageLog.StatesTrimmed(_logger, evicted, limit);
            return evicted;
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    private bool TryEvict(BucketState state, bool idleOnly)
    {
        if (!state.Gate.Wait(0))
        {
            return false;
        }

        try
        {
            if ((idleOnly && _time.GetElapsedTime(state.LastUsed) < _options.StateIdleTimeout)
                || !_buckets.TryRemove(new KeyValuePair<string, BucketState>(state.BucketId, state)))
            {
                return false;
            }

            _files.Close(state);
            state.Evicted = true;
            return true;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private BucketState StateOf(string bucketId)
    {
        if (_buckets.TryGetValue(bucketId, out var known))
        {
            return known;
        }

        // Stamped as used when made, so a trim never picks the state a caller is about to take. The
        // count is checked only here, where it can grow: ConcurrentDictionary.Count takes every lock
        // of the table, which on each append cost 1.4 % of a 1,000-bucket PUT load's CPU.
        var state = _buckets.GetOrAdd(bucketId, id => new BucketState(id, BucketLayout.PathUnder(_bucketsDirectory, id)) { LastUsed = _time.GetTimestamp() });
        if (_buckets.Count > _options.MaxCachedStates)
        {
            TrimStates();
        }

        return state;
    }

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
            RaiseCorruptionFound(bucketId, exception);
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

    /// <summary>Once per bucket per <see cref="EventOptions.RepeatInterval"/>: a damaged bucket fails every call (a grain retries its rehydration) until repaired.</summary>
    private void RaiseCorruptionFound(string bucketId, BackupCorruptException exception)
    {
        var file = exception.FileName ?? FileNames.Manifest;
        var details = new Dictionary<string, string>
        {
            ["bucketId"] = bucketId,
            ["folder"] = BucketLayout.RelativePath(bucketId),
            ["file"] = file,
        };
        if (exception.Line is { } line)
        {
            details["line"] = line.ToString(CultureInfo.InvariantCulture);
        }

        // The exception's message is not copied: it may quote a damaged line.
        _events?.RaiseUnlessRecent(
            bucketId,
            BackupEventKind.CorruptionFound,
            BackupEventSeverity.Failure,
            $"The backup of bucket {bucketId} is damaged at {file}{(exception.Line is { } at ? $" line {at}" : "")}; the bucket fails closed until an operator repairs or restores it.",
            details);
    }

    private DateTimeOffset Now() => StateSnapshots.ToEnglangPrecision(_time.GetUtcNow());
}
