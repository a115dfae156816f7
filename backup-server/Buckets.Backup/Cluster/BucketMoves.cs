using System.Threading.RateLimiting;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>
/// Moves buckets after the server list changed (docs/backup-protocol.md, "Moves"): every
/// <see cref="ResyncOptions.MoveInterval"/> this server lists the buckets of every peer (those in the
/// list and those leaving it), copies in each bucket now placed on it that it lacks, or holds older
/// than a holder outside the placement, and forgets each bucket it holds that is placed elsewhere once
/// every one of that bucket's replicas holds it at least as new. So a bucket keeps its old copy until
/// its new replicas are verified, and never has fewer than min(R, N) of them during a move. A server
/// that resyncs leaves moves until it has finished.
/// </summary>
public sealed partial class BucketMoves(
    IBackupStore store,
    ReplicaResync resync,
    IOptions<BackupClusterOptions> cluster,
    IOptions<ReplicationOptions> replication,
    IOptions<ResyncOptions> options,
    TimeProvider time,
    ILogger<BucketMoves> logger,
    PeerReplicas? peers = null) : BackgroundService
{
    private readonly BackupClusterOptions _cluster = cluster.Value;
    private readonly ResyncOptions _options = options.Value;
    private MoveProgress _progress = new(0, null, 0, 0, 0, null);

    /// <summary>What the last pass did, for the cluster status.</summary>
    public MoveProgress Progress => Volatile.Read(ref _progress);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_cluster.SelfId is null || peers is null)
        {
            return;
        }

        var delay = _options.StartDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken);
                delay = _options.MoveInterval;
                if (!resync.Resyncing)
                {
                    await PassAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Volatile.Write(ref _progress, Progress with { LastProblem = e.Message });
                LogPassFailed(logger, e);
            }
        }
    }

    /// <summary>One pass: copy in, then forget out.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        using var limiter = PeerReplicas.BandwidthLimiter(_options.MaxBytesPerSecond);
        var pass = new PassCounts();
        if (!_cluster.IsLeaving)
        {
            await CopyInAsync(limiter, pass, cancellationToken);
        }

        await ForgetOutAsync(pass, cancellationToken);
        Volatile.Write(ref _progress, new MoveProgress(Progress.Passes + 1, time.GetUtcNow(), pass.CopiedIn, pass.Forgotten, pass.Waiting, pass.Problem));
        if (pass.CopiedIn > 0 || pass.Forgotten > 0 || pass.Waiting > 0)
        {
            LogPass(logger, pass.CopiedIn, pass.Forgotten, pass.Waiting);
        }
    }

    private async Task CopyInAsync(RateLimiter limiter, PassCounts pass, CancellationToken cancellationToken)
    {
        var ids = _cluster.ServerIds;
        var selfIndex = _cluster.IndexOf(_cluster.SelfId);
        var widest = replication.Value.WidestCount(ids.Count);
        foreach (var peer in _cluster.Peers)
        {
            var peerIndex = _cluster.IndexOf(ReplicaPlacement.ServerId(peer));
            try
            {
                string? after = null;
                do
                {
                    var page = await peers!.ListAsync(peer, after, _options.PageSize, cancellationToken);
                    var mine = page.Buckets.Where(id => ReplicaPlacement.IsReplica(id, ids, widest, selfIndex)).ToList();
                    await Parallel.ForEachAsync(mine, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken }, async (id, token) =>
                    {
                        // A holder outside the placement is a copy waiting to be forgotten: it must not be newer than ours.
                        var holderLeaves = peerIndex < 0 || !ReplicaPlacement.IsReplica(id, ids, widest, peerIndex);
                        var local = await store.PositionOfAsync(id, token);
                        if (local is not null && (!holderLeaves || await peers.ReadPositionAsync(peer, id, token) is not { } theirs || theirs <= local.Value))
                        {
                            return;
                        }

                        var sources = ReplicaPlacement.Replicas(id, ids, widest).Where(index => index != selfIndex).Select(index => _cluster.Servers[index]).Append(peer).Distinct();
                        var copy = await peers.CopyAsync(id, sources, limiter, token);
                        if (copy.Complete && copy.Bytes > 0)
                        {
                            pass.CopiedOne();
                            LogCopiedIn(logger, id, copy.LastSeq, ReplicaPlacement.ServerId(peer));
                        }
                        else if (!copy.Complete)
                        {
                            pass.Problem = copy.Problem;
                        }
                    });
                    after = page.Next;
                }
                while (after is not null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                pass.Problem = $"backup server {ReplicaPlacement.ServerId(peer)} did not answer: {e.Message}";
            }
        }
    }

    private async Task ForgetOutAsync(PassCounts pass, CancellationToken cancellationToken)
    {
        var ids = _cluster.ServerIds;
        var selfIndex = _cluster.IndexOf(_cluster.SelfId);
        var widest = replication.Value.WidestCount(ids.Count);
        var elsewhere = store.EnumerateBuckets().Where(id => selfIndex < 0 || !ReplicaPlacement.IsReplica(id, ids, widest, selfIndex));
        await Parallel.ForEachAsync(elsewhere, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken }, async (id, token) =>
        {
            if (await store.PositionOfAsync(id, token) is not { } mine)
            {
                return;
            }

            foreach (var index in ReplicaPlacement.Replicas(id, ids, widest))
            {
                try
                {
                    if (await peers!.ReadPositionAsync(_cluster.Servers[index], id, token) is not { } theirs || theirs < mine)
                    {
                        pass.WaitingOne();
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !token.IsCancellationRequested)
                {
                    pass.WaitingOne();
                    return;
                }
            }

            if (await store.ForgetCopyAsync(id, mine, token))
            {
                pass.ForgotOne();
            }
            else
            {
                pass.WaitingOne();
            }
        });
    }

    /// <summary>Counts of one pass, updated from parallel copies.</summary>
    private sealed class PassCounts
    {
        private int _copiedIn;
        private int _forgotten;
        private int _waiting;

        public int CopiedIn => Volatile.Read(ref _copiedIn);

        public int Forgotten => Volatile.Read(ref _forgotten);

        public int Waiting => Volatile.Read(ref _waiting);

        public void CopiedOne() => Interlocked.Increment(ref _copiedIn);

        public void ForgotOne() => Interlocked.Increment(ref _forgotten);

        public void WaitingOne() => Interlocked.Increment(ref _waiting);

        public string? Problem { get; set; }
    }

    [LoggerMessage(3501, LogLevel.Information, "Bucket {BucketId} is now placed on this server: copied up to change {LastSeq} (from {Holder} and its other replicas)")]
    private static partial void LogCopiedIn(ILogger logger, string bucketId, long lastSeq, string holder);

    [LoggerMessage(3502, LogLevel.Information, "Moves: {CopiedIn} buckets copied in, {Forgotten} forgotten after their new replicas held them, {Waiting} still waiting for their new replicas")]
    private static partial void LogPass(ILogger logger, int copiedIn, int forgotten, int waiting);

    [LoggerMessage(3503, LogLevel.Warning, "A move pass did not finish; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}

/// <summary>What moves did in their last pass, as the cluster status shows it.</summary>
/// <param name="Passes">Passes finished since the server started.</param>
/// <param name="LastPassAt">When the last pass finished.</param>
/// <param name="CopiedIn">Buckets the last pass copied onto this server.</param>
/// <param name="Forgotten">Buckets the last pass forgot here after their new replicas held them.</param>
/// <param name="Waiting">Buckets placed elsewhere whose new replicas do not hold them yet (kept here until they do).</param>
/// <param name="LastProblem">Why the last pass left something undone, if it did.</param>
public sealed record MoveProgress(int Passes, DateTimeOffset? LastPassAt, int CopiedIn, int Forgotten, int Waiting, string? LastProblem);
