using Buckets.Abstractions.Backup;
using Buckets.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Grains.Backup;

/// <summary>
/// The silo's side of a backup pull: delivers the previous pull's acknowledgements to their
/// buckets, then collects pending changes from this silo's dirty buckets only, within
/// <see cref="BucketGrainOptions.PullMaxBytes"/> (one response must stay far from the sizes that
/// fail serialization). Buckets left out are reported with <see cref="PullResponse.More"/>.
/// </summary>
public sealed partial class PullCoordinator(GrainReferences<IBucketReplicationGrain> grains, DirtyBuckets dirty, ActiveBuckets active, BackupReplicas replicas, IOptions<BucketGrainOptions> options, ILogger<PullCoordinator> logger)
{
    private readonly BucketGrainOptions _options = options.Value;

    /// <summary>Per replica, buckets whose batch did not fit the last pull's budget: first in line next time, so a large snapshot is not starved by small batches.</summary>
    private readonly string[][] _leftOver = [.. Enumerable.Repeat(Array.Empty<string>(), Math.Max(1, replicas.Servers.Count))];

    /// <summary>Per replica, the data directory it last pulled with (<see cref="PullRequest.Incarnation"/>).</summary>
    private readonly string?[] _incarnations = new string?[Math.Max(1, replicas.Servers.Count)];

    /// <summary>The replica a pull comes from, or <c>null</c> when it is not in this silo's server list.</summary>
    public BackupReplica? ReplicaOf(PullRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return replicas.Find(request.Replica);
    }

    public async Task<PullResponse> PullAsync(PullRequest request)
    {
        var replica = ReplicaOf(request) ?? throw new ArgumentException($"Backup server '{request.Replica}' is not in this silo's list of backup servers (Buckets:Backup:Servers).", nameof(request));
        NoticeIncarnation(replica, request.Incarnation);
        var ids = Candidates(replica.Index, request.MaxBatches + 1);
        var chosen = ids.Take(request.MaxBatches).ToList();

        // A bucket collected now gets its acknowledgement in the same call; the others alone, bounded,
        // so a pull over thousands of buckets does not queue thousands of grain calls at once ahead
        // of the clients' requests.
        var acks = new Dictionary<string, BackupAck>(StringComparer.Ordinal);
        foreach (var ack in request.Acks)
        {
            acks[ack.BucketId] = ack;
        }

        var collecting = new HashSet<string>(chosen, StringComparer.Ordinal);
        await DeliverAllAsync(replica.Id, acks.Values.Where(ack => !collecting.Contains(ack.BucketId)));
        var batches = new List<ChangeBatch>();
        var leftOver = new List<string>();
        long bytes = 0;
        var next = 0;
        while (next < chosen.Count && bytes < _options.PullMaxBytes)
        {
            // Ask only as many buckets at once as the rest of the budget has room for full batches:
            // parallel enough for many small buckets, never far past the budget.
            var room = (_options.PullMaxBytes - bytes) / _options.BatchMaxBytes;
            var wave = chosen.GetRange(next, (int)Math.Clamp(Math.Min(room, _options.PullConcurrency), 1, chosen.Count - next));
            next += wave.Count;
            var collected = await Task.WhenAll(wave.Select(id => CollectAsync(replica.Id, id, acks.GetValueOrDefault(id), request.MaxChangesPerBatch)));
            for (var i = 0; i < collected.Length; i++)
            {
                if (collected[i] is not { } batch)
                {
                    continue;
                }

                // At least one batch always goes, or a snapshot larger than the budget would never leave.
                if (batches.Count > 0 && bytes + batch.Englang.Length > _options.PullMaxBytes)
                {
                    leftOver.Add(wave[i]);
                    continue;
                }

                batches.Add(batch);
                bytes += batch.Englang.Length;
            }
        }

        // Buckets the byte budget left unvisited still get their acknowledgement.
        await DeliverAllAsync(replica.Id, chosen.Skip(next).Where(acks.ContainsKey).Select(id => acks[id]));
        Volatile.Write(ref _leftOver[replica.Index], [.. leftOver]);
        var more = ids.Count > chosen.Count || next < chosen.Count || leftOver.Count > 0;
        return new PullResponse(batches, more);
    }

    /// <summary>
    /// A replica that pulls with another data directory than before lost what it confirmed, and the
    /// buckets active here may have trimmed changes it no longer holds (a peer it copied back from may
    /// have lacked them then): each is told to send it the whole state. Buckets not active here learn
    /// what it holds when they are next elected. The first pull this silo sees sets the baseline.
    /// </summary>
    private void NoticeIncarnation(BackupReplica replica, string? incarnation)
    {
        if (incarnation is null)
        {
            return;
        }

        var known = Interlocked.Exchange(ref _incarnations[replica.Index], incarnation);
        if (known is null || string.Equals(known, incarnation, StringComparison.Ordinal))
        {
            return;
        }

        var ids = active.Snapshot();
        LogReplicaReplaced(logger, replica.Id, ids.Count);
        _ = Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = _options.PullConcurrency }, async (id, _) =>
        {
            try
            {
                await grains.Get(id).ForgetReplicaAsync(replica.Id);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The bucket moved or stopped: its next activation is elected and learns what the replica holds.
                LogForgetFailed(logger, id, replica.Id, e);
            }
        });
    }

    private List<string> Candidates(int replica, int max)
    {
        var leftOver = Volatile.Read(ref _leftOver[replica]);
        var first = leftOver.Where(id => dirty.Contains(id, replica));
        return [.. first.Concat(dirty.Take(max + leftOver.Length, replica)).Distinct(StringComparer.Ordinal).Take(max)];
    }

    private Task DeliverAllAsync(string replica, IEnumerable<BackupAck> acks) =>
        Parallel.ForEachAsync(acks, new ParallelOptions { MaxDegreeOfParallelism = _options.PullConcurrency }, (ack, _) => new ValueTask(DeliverAsync(replica, ack)));

    private async Task DeliverAsync(string replica, BackupAck ack)
    {
        try
        {
            await grains.Get(ack.BucketId).AcknowledgeAsync(replica, ack);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The bucket resends what was not acknowledged; nothing is lost by skipping this ack.
            LogAckFailed(logger, ack.BucketId, e);
        }
    }

    private async Task<ChangeBatch?> CollectAsync(string replica, string bucketId, BackupAck? ack, int maxChanges)
    {
        try
        {
            return await grains.Get(bucketId).AcknowledgeAndCollectAsync(replica, ack, maxChanges);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogCollectFailed(logger, bucketId, e);
            return null;
        }
    }

    [LoggerMessage(1101, LogLevel.Warning, "Could not deliver a backup acknowledgement to bucket {BucketId}")]
    private static partial void LogAckFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(1103, LogLevel.Warning, "Backup server {Replica} pulls with a new data directory: it lost what it stored, so the {Buckets} buckets active here send it their whole state")]
    private static partial void LogReplicaReplaced(ILogger logger, string replica, int buckets);

    [LoggerMessage(1104, LogLevel.Debug, "Could not tell bucket {BucketId} that backup server {Replica} lost its data")]
    private static partial void LogForgetFailed(ILogger logger, string bucketId, string replica, Exception exception);

    [LoggerMessage(1102, LogLevel.Warning, "Could not collect pending changes from bucket {BucketId}")]
    private static partial void LogCollectFailed(ILogger logger, string bucketId, Exception exception);
}
