namespace Buckets.Grains.Backup;

/// <summary>
/// One bucket activation's standing with its backup replicas (what each replica holds is in <see cref="ReplicaTracks"/>), as named states with the only
/// transitions allowed (instead of sentinel epochs and scattered flags):
/// <code>
/// NotLoaded --StartCacheOnly--> CacheOnly --Open(epoch)--> Ready(epoch) --Fence--> Fenced (final)
/// NotLoaded --Open(epoch)---------------------------------> Ready(epoch)
/// NotLoaded --Arrive(epoch) (graceful migration)----------> Ready(epoch) or CacheOnly
/// </code>
/// Invariants:
/// <list type="bullet">
/// <item><see cref="Epoch"/> is positive exactly in Ready and Fenced (which keeps the epoch it lost).</item>
/// <item>Only CacheOnly and Ready serve requests; only Ready sends changes and applies acknowledgements, of its own epoch only.</item>
/// </list>
/// Not thread-safe: owned by one activation.
/// </summary>
internal sealed class BackupLink
{
    /// <summary>How a CacheOnly link travels in a migration, where an epoch is expected.</summary>
    private const long CacheOnlyEpoch = -1;

    public enum State
    {
        /// <summary>Nothing loaded yet: the next request rehydrates from the backup server.</summary>
        NotLoaded,

        /// <summary>A cache bucket started from its metadata alone, without asking the backup server; no epoch yet.</summary>
        CacheOnly,

        /// <summary>Holds an epoch granted by the backup server; may send changes.</summary>
        Ready,

        /// <summary>A newer activation holds a newer epoch: this one must not serve or send again.</summary>
        Fenced,
    }

    public State Current { get; private set; } = State.NotLoaded;

    /// <summary>The epoch granted to this activation; 0 before one was granted.</summary>
    public long Epoch { get; private set; }

    public bool IsLoaded => Current != State.NotLoaded;

    public bool Serves => Current is State.CacheOnly or State.Ready;

    public bool Sends => Current == State.Ready;

    public bool IsFenced => Current == State.Fenced;

    public bool NeedsEpoch => Current == State.CacheOnly;

    /// <summary>The epoch a migration carries (a CacheOnly link has none, and says so).</summary>
    public long DehydratedEpoch => Current == State.CacheOnly ? CacheOnlyEpoch : Epoch;

    public void StartCacheOnly()
    {
        Require(Current == State.NotLoaded, nameof(StartCacheOnly));
        Current = State.CacheOnly;
    }

    public void Open(long epoch)
    {
        Require(Current is State.NotLoaded or State.CacheOnly, nameof(Open));
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        Current = State.Ready;
        Epoch = epoch;
    }

    /// <summary>Takes over the link of the activation this one migrated from.</summary>
    public void Arrive(long dehydratedEpoch)
    {
        Require(Current == State.NotLoaded, nameof(Arrive));
        if (dehydratedEpoch == CacheOnlyEpoch)
        {
            Current = State.CacheOnly;
            return;
        }

        Open(dehydratedEpoch);
    }

    /// <summary>Returns false when the link was not Ready (already fenced, or never sent anything).</summary>
    public bool Fence()
    {
        if (Current != State.Ready)
        {
            return false;
        }

        Current = State.Fenced;
        return true;
    }

    /// <summary>True when an acknowledgement sent under <paramref name="epoch"/> applies to this link.</summary>
    public bool Accepts(long epoch) => Current == State.Ready && epoch == Epoch;

    private void Require(bool allowed, string transition)
    {
        if (!allowed)
        {
            throw new InvalidOperationException($"Backup link cannot {transition} from {Current}.");
        }
    }
}
