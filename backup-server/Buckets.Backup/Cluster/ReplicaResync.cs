using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Events;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>A replica that is resyncing does not answer for a bucket it has not copied back yet.</summary>
public sealed class ReplicaNotSyncedException(string bucketId)
    : Exception($"This backup server lost its data and has not copied bucket {bucketId} back from its peers yet; it does not count for that bucket until it has.");

/// <summary>
/// A backup server whose data directory was lost (it starts, in a list of several, with no bucket and
/// no <c>replica.json</c>) counts for no bucket until it holds a verified copy of it (see
/// docs/backup-protocol.md, "Resync"): after <see cref="ResyncOptions.StartDelay"/> it lists every peer's buckets, and for each bucket placed on
/// it reads the copies of all its other replicas, installs the newest (by writer epoch, then last
/// change) under the highest epoch any of them knows, reads it back, and compares its digest with the
/// source's. When every peer has been listed (or, in a cluster that holds no bucket yet, a majority of
/// them) it writes <c>replica.json</c> and counts for everything. Concurrency and bandwidth are bounded
/// by <see cref="ResyncOptions"/>. A server with its disk intact, or a single server, never resyncs.
/// </summary>
public sealed partial class ReplicaResync : BackgroundService
{
    private const string MarkerFile = "replica.json";

    private readonly IBackupStore _store;
    private readonly BackupClusterOptions _cluster;
    private readonly ReplicationOptions _replication;
    private readonly ResyncOptions _options;
    private readonly PeerReplicas? _peers;
    private readonly BackupEventLog? _events;
    private readonly TimeProvider _time;
    private readonly ILogger<ReplicaResync> _logger;
    private readonly string _marker;
    private readonly ConcurrentDictionary<string, byte> _copied = new(StringComparer.Ordinal);
    private volatile bool _resyncing;
    private long _bytesCopied;
    private string? _lastProblem;

    public ReplicaResync(
        IBackupStore store,
        IOptions<BackupClusterOptions> cluster,
        IOptions<ReplicationOptions> replication,
        IOptions<ResyncOptions> options,
        IOptions<BackupStoreOptions> storeOptions,
        TimeProvider time,
        ILogger<ReplicaResync> logger,
        PeerReplicas? peers = null,
        BackupEventLog? events = null)
    {
        _store = store;
        _cluster = cluster.Value;
        _replication = replication.Value;
        _options = options.Value;
        _peers = peers;
        _events = events;
        _time = time;
        _logger = logger;
        _marker = Path.Combine(Path.GetFullPath(storeOptions.Value.DataDirectory), MarkerFile);
        _resyncing = _cluster.SelfId is not null && !File.Exists(_marker) && store.ListBuckets(null, 1).Ids.Count == 0;
        if (!_resyncing && _cluster.SelfId is not null && !File.Exists(_marker))
        {
            // A directory that holds buckets from before replication (or a first start with data) is whole.
            WriteMarker();
        }
    }

    /// <summary>True while this server copies its buckets back from its peers.</summary>
    public bool Resyncing => _resyncing;

    /// <summary>What resync has done so far, for the cluster status.</summary>
    public ResyncProgress Progress => new(_resyncing, _copied.Count, Interlocked.Read(ref _bytesCopied), _lastProblem);

    /// <summary>True when this server may answer for the bucket: it is not resyncing, or it already copied it back.</summary>
    public bool Counts(string bucketId) => !_resyncing || _copied.ContainsKey(bucketId);

    /// <summary>Throws <see cref="ReplicaNotSyncedException"/> unless <see cref="Counts"/>.</summary>
    public void RequireCounts(string bucketId)
    {
        if (!Counts(bucketId))
        {
            throw new ReplicaNotSyncedException(bucketId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_resyncing || _peers is null)
        {
            return;
        }

        LogStarted(_logger, _cluster.SelfId!, _options.StartDelay.TotalSeconds);
        _events?.Raise(
            BackupEventKind.ResyncStarted,
            BackupEventSeverity.Warning,
            $"Backup server {_cluster.SelfId} started without its data: it copies its buckets back from its peers and counts for no bucket until it holds a verified copy.",
            new Dictionary<string, string> { ["server"] = _cluster.SelfId!, ["startDelaySeconds"] = _options.StartDelay.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) });
        try
        {
            // A cluster whose peers hold no bucket at all is new: nothing was granted, so nothing to wait out.
            var waitUntil = _time.GetTimestamp() + (long)(_options.StartDelay.TotalSeconds * _time.TimestampFrequency);
            while (_time.GetTimestamp() < waitUntil)
            {
                if (await IsNewClusterAsync(stoppingToken))
                {
                    WriteMarker();
                    _resyncing = false;
                    LogNewCluster(_logger);
                    RaiseFinished(0, 0, 0);
                    return;
                }

                await Task.Delay(_options.RetryInterval < _options.StartDelay ? _options.RetryInterval : _options.StartDelay, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var limiter = PeerReplicas.BandwidthLimiter(_options.MaxBytesPerSecond);
        var started = _time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await PassAsync(limiter, stoppingToken))
                {
                    WriteMarker();
                    _resyncing = false;
                    LogFinished(_logger, _copied.Count, Interlocked.Read(ref _bytesCopied), _time.GetElapsedTime(started).TotalSeconds);
                    RaiseFinished(_copied.Count, Interlocked.Read(ref _bytesCopied), _time.GetElapsedTime(started).TotalSeconds);
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _lastProblem = e.Message;
                LogPassFailed(_logger, e);
            }

            try
            {
                await Task.Delay(_options.RetryInterval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>True when a majority of the peers answer and none holds any bucket (any bucket ever activated is on a majority of its replicas).</summary>
    private async Task<bool> IsNewClusterAsync(CancellationToken cancellationToken)
    {
        var self = _cluster.SelfId!;
        var peers = _cluster.Servers.Where(server => !string.Equals(ReplicaPlacement.ServerId(server), self, StringComparison.OrdinalIgnoreCase)).ToList();
        var empty = 0;
        foreach (var peer in peers)
        {
            try
            {
                if ((await _peers!.ListAsync(peer, null, 1, cancellationToken)).Buckets.Count > 0)
                {
                    return false;
                }

                empty++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                // Not answering yet: it neither proves nor disproves anything.
            }
        }

        return empty >= ReplicaPlacement.Majority(peers.Count);
    }

    /// <summary>One pass over every peer's buckets; true when nothing is left to copy.</summary>
    private async Task<bool> PassAsync(RateLimiter limiter, CancellationToken cancellationToken)
    {
        var ids = _cluster.ServerIds;
        var self = _cluster.SelfId!;
        var peers = _cluster.Servers.Where(server => !string.Equals(ReplicaPlacement.ServerId(server), self, StringComparison.OrdinalIgnoreCase)).ToList();
        var widest = _replication.WidestCount(ids.Count);
        var selfIndex = _cluster.IndexOf(self);
        int answered = 0, unreachable = 0;
        var anyHeld = false;
        var complete = true;
        foreach (var peer in peers)
        {
            try
            {
                string? after = null;
                do
                {
                    var page = await _peers!.ListAsync(peer, after, _options.PageSize, cancellationToken);
                    anyHeld |= page.Buckets.Count > 0;
                    var mine = page.Buckets.Where(id => !_copied.ContainsKey(id) && ReplicaPlacement.IsReplica(id, ids, widest, selfIndex)).ToList();
                    var copied = new ConcurrentBag<bool>();
                    await Parallel.ForEachAsync(mine, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken }, async (id, token) =>
                        copied.Add(await CopyAsync(id, ids, widest, limiter, token)));
                    complete &= copied.All(ok => ok);
                    after = page.Next;
                }
                while (after is not null);
                answered++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                unreachable++;
                _lastProblem = $"backup server {ReplicaPlacement.ServerId(peer)} did not answer: {e.Message}";
            }
        }

        if (unreachable == 0)
        {
            return complete;
        }

        // A cluster that holds no bucket anywhere has nothing to lose: a majority of peers saying so is enough.
        return !anyHeld && answered >= ReplicaPlacement.Majority(peers.Count);
    }

    /// <summary>Copies one bucket from its other replicas; false when one of them could not be read (try again later).</summary>
    private async Task<bool> CopyAsync(string bucketId, IReadOnlyList<string> ids, int widest, RateLimiter limiter, CancellationToken cancellationToken)
    {
        var others = ReplicaPlacement.Replicas(bucketId, ids, widest)
            .Where(index => !string.Equals(ids[index], _cluster.SelfId, StringComparison.OrdinalIgnoreCase))
            .Select(index => _cluster.Servers[index]);
        var copy = await _peers!.CopyAsync(bucketId, others, limiter, cancellationToken);
        if (!copy.Complete)
        {
            _lastProblem = copy.Problem;
            LogCopyFailed(_logger, bucketId, copy.Problem);
            return false;
        }

        Interlocked.Add(ref _bytesCopied, copy.Bytes);
        _copied[bucketId] = 0;
        return true;
    }

    private void RaiseFinished(int buckets, long bytes, double seconds) =>
        _events?.Raise(
            BackupEventKind.ResyncFinished,
            BackupEventSeverity.Info,
            $"Backup server {_cluster.SelfId} finished its resync: {buckets} buckets copied back and verified, {bytes} bytes, in {seconds:F1} s; it counts for every bucket again.",
            new Dictionary<string, string>
            {
                ["server"] = _cluster.SelfId!,
                ["buckets"] = buckets.ToString(CultureInfo.InvariantCulture),
                ["bytes"] = bytes.ToString(CultureInfo.InvariantCulture),
                ["seconds"] = seconds.ToString("F1", CultureInfo.InvariantCulture),
            });

    private void WriteMarker() =>
        DurableFiles.WriteAtomically(_marker, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes($"{{\"synced\": true, \"at\": \"{_time.GetUtcNow():O}\"}}\n")));

    [LoggerMessage(3401, LogLevel.Warning, "Backup server {Self} starts without its data: in {DelaySeconds} s it copies its buckets back from its peers, and it counts for no bucket until it holds a verified copy")]
    private static partial void LogStarted(ILogger logger, string self, double delaySeconds);

    [LoggerMessage(3405, LogLevel.Information, "The other backup servers hold no bucket: this is a new cluster, nothing to copy back")]
    private static partial void LogNewCluster(ILogger logger);

    [LoggerMessage(3402, LogLevel.Information, "Resync finished: {Buckets} buckets copied back, {Bytes} bytes, in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, int buckets, long bytes, double seconds);

    [LoggerMessage(3403, LogLevel.Warning, "A resync pass did not finish; trying again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(3404, LogLevel.Warning, "Bucket {BucketId} was not copied back yet ({Problem}); trying again")]
    private static partial void LogCopyFailed(ILogger logger, string bucketId, string? problem);
}

/// <summary>Resync's progress, as the cluster status shows it.</summary>
/// <param name="Resyncing">True while the server copies its buckets back.</param>
/// <param name="BucketsCopied">Buckets copied back and verified so far.</param>
/// <param name="BytesCopied">Englang bytes copied so far.</param>
/// <param name="LastProblem">Why the last pass did not finish, if it did not.</param>
public sealed record ResyncProgress(bool Resyncing, int BucketsCopied, long BytesCopied, string? LastProblem);

/// <summary>One page of a backup server's bucket ids, in order, for a peer that resyncs.</summary>
/// <param name="Buckets">The ids.</param>
/// <param name="Next">The cursor of the next page, or <c>null</c> after the last.</param>
public sealed record BucketPage(IReadOnlyList<string> Buckets, string? Next);
