using Buckets.Abstractions.Backup;

namespace Buckets.Grains.Backup;

/// <summary>What an activation won: its epoch, the state to start from, and what each replica holds.</summary>
/// <param name="Epoch">The epoch a majority of the bucket's replicas granted.</param>
/// <param name="LastSeq">The last change of the state chosen (the highest writer epoch and change among the granting replicas).</param>
/// <param name="Snapshot">That state as an Englang snapshot, in pieces; empty when nothing is saved.</param>
/// <param name="Holding">The replicas known to hold exactly that state; every other replica is owed a snapshot.</param>
internal sealed record ElectedEpoch(long Epoch, long LastSeq, IReadOnlyList<byte[]> Snapshot, IReadOnlySet<string> Holding);

/// <summary>Fewer replicas than a majority answered (or agreed): the bucket must not serve.</summary>
internal sealed class QuorumUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Wins an epoch from a majority of a bucket's replicas and reads the state to start from (see
/// docs/backup-protocol.md, "Epochs"). One replica is asked once, as before replication. Several are
/// first asked for their next epoch each; the highest number answered becomes the target, asked of
/// those that granted less; a replica that knows a higher one restarts the election above it.
/// </summary>
internal static class EpochElection
{
    /// <summary>Rounds before giving up (each costs one call to every replica still needed): elections race only while activations do.</summary>
    private const int MaxRounds = 6;

    public static async Task<ElectedEpoch> ElectAsync(string bucketId, IReadOnlyList<BackupReplica> replicas, CancellationToken cancellationToken)
    {
        if (replicas.Count == 1)
        {
            var only = await replicas[0].Client.OpenEpochAsync(bucketId, EpochRequest.Next, cancellationToken);
            return new ElectedEpoch(only.Epoch, only.LastSeq, only.Snapshot, new HashSet<string>([replicas[0].Id], StringComparer.OrdinalIgnoreCase));
        }

        var quorum = ReplicaPlacement.Majority(replicas.Count);
        var holders = new Dictionary<string, (BackupReplica Replica, BackupEpoch Answer)>(StringComparer.OrdinalIgnoreCase);
        long? target = null;
        var ask = replicas;
        Exception? lastFailure = null;
        for (var round = 0; round < MaxRounds; round++)
        {
            var asked = target;
            var answers = await Task.WhenAll(ask.Select(async replica =>
            {
                try
                {
                    return (replica, Answer: await replica.Client.OpenEpochAsync(bucketId, new EpochRequest(asked, WithState: false), cancellationToken));
                }
                catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
                {
                    lastFailure = e;
                    return (replica, Answer: (BackupEpoch?)null);
                }
            }));

            var reachable = answers.Where(a => a.Answer is not null).Select(a => (a.replica, Answer: a.Answer!)).ToList();
            var highestKnown = reachable.Count == 0 ? 0 : reachable.Max(a => a.Answer.Epoch);
            if (target is null)
            {
                // First round: each replica granted its own next number; the highest becomes everyone's.
                target = highestKnown;
            }
            else if (reachable.Any(a => !a.Answer.Granted && a.Answer.Epoch >= target))
            {
                // Another activation got there first: start over above everything seen.
                target = highestKnown + 1;
                holders.Clear();
                ask = replicas;
                continue;
            }

            foreach (var (replica, answer) in reachable)
            {
                if (answer.Granted && answer.Epoch == target)
                {
                    holders[replica.Id] = (replica, answer);
                }
            }

            if (holders.Count >= quorum)
            {
                return await ReadChosenStateAsync(bucketId, target.Value, [.. holders.Values], cancellationToken);
            }

            // Those that answered but hold a lower number are asked for the target; the silent ones are not waited for again.
            ask = [.. reachable.Select(a => a.replica).Where(replica => !holders.ContainsKey(replica.Id))];
            if (holders.Count + ask.Count < quorum)
            {
                break;
            }
        }

        throw new QuorumUnavailableException(
            $"Only {holders.Count} of the {replicas.Count} backup servers keeping bucket {bucketId} granted an epoch; {quorum} must.",
            lastFailure);
    }

    /// <summary>The state of the granting replica with the highest (writer epoch, last change): one stale replica never decides, since every acknowledged write is on a majority.</summary>
    private static async Task<ElectedEpoch> ReadChosenStateAsync(string bucketId, long epoch, IReadOnlyList<(BackupReplica Replica, BackupEpoch Answer)> holders, CancellationToken cancellationToken)
    {
        var best = holders.Max(h => (h.Answer.WriterEpoch, h.Answer.LastSeq));
        var holding = holders.Where(h => (h.Answer.WriterEpoch, h.Answer.LastSeq) == best).ToList();
        var ids = new HashSet<string>(holding.Select(h => h.Replica.Id), StringComparer.OrdinalIgnoreCase);
        if (best.LastSeq == 0)
        {
            return new ElectedEpoch(epoch, 0, [], ids);
        }

        Exception? failure = null;
        foreach (var (replica, _) in holding)
        {
            try
            {
                var state = await replica.Client.ReadStateAsync(bucketId, null, null, cancellationToken);
                return new ElectedEpoch(epoch, best.LastSeq, state ?? [], ids);
            }
            catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                failure = e;
            }
        }

        throw new QuorumUnavailableException($"No backup server holding the newest state of bucket {bucketId} could be read.", failure);
    }
}
