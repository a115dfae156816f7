using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Core;
using Buckets.Core.Feed;
using Buckets.Grains.Backup;
using Buckets.Grains.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Grains;

/// <summary>
/// One bucket in memory, keyed by its API key id. Orleans runs one activation at a time, so the
/// map needs no locks. Reads and writes are synchronous against the map; only backup I/O awaits.
/// Before serving anything an activation loads its saved state from the backup server
/// (<see cref="EnsureReadyAsync"/>); when that fails it answers "unavailable", never an empty bucket.
/// </summary>
public sealed partial class BucketGrain : Grain, IBucketGrain, IBucketReplicationGrain
{
    private readonly LimitsOptions _limits;
    private readonly BucketGrainOptions _options;
    private readonly ChangeFeedOptions _feed;
    private readonly TimeProvider _time;
    private readonly BucketsMetrics _metrics;
    private readonly BackupReplicas _replicas;
    private readonly ReplicationOptions _replicationOptions;
    private readonly DirtyBuckets _dirty;
    private readonly ActiveBuckets _active;
    private readonly SiloPeers _peers;
    private readonly MemoryPressure _memory;
    private readonly DirectReads _directReads;
    private readonly DirectWrites _directWrites;
    private readonly IPersistentState<BucketMetadata> _metadata;
    private readonly ILogger<BucketGrain> _logger;
    private BucketMap _map;
    private BucketPolicy _policy = BucketPolicy.Default;
    private IGrainTimer? _expiryTimer;
    // The map requests on this silo may read without a call (see DirectReads), or null; _leaving once deactivation began.
    private BucketMap? _listedMap;
    private bool _leaving;
    private long _reportedEntries;
    private long _reportedExpirations;
    private long _reportedPending;
    private long _reportedHeldBytes;

    public BucketGrain(
        IOptions<LimitsOptions> limits,
        IOptions<BucketGrainOptions> options,
        IOptions<ChangeFeedOptions> feed,
        TimeProvider time,
        BucketsMetrics metrics,
        BackupReplicas replicas,
        IOptions<ReplicationOptions> replicationOptions,
        DirtyBuckets dirty,
        ActiveBuckets active,
        SiloPeers peers,
        MemoryPressure memory,
        DirectReads directReads,
        DirectWrites directWrites,
        [PersistentState("metadata", BucketMetadata.StorageName)] IPersistentState<BucketMetadata> metadata,
        ILogger<BucketGrain> logger)
    {
        _limits = limits.Value;
        _options = options.Value;
        _feed = feed.Value;
        _time = time;
        _metrics = metrics;
        _replicas = replicas;
        _replicationOptions = replicationOptions.Value;
        _dirty = dirty;
        _active = active;
        _peers = peers;
        _memory = memory;
        _directReads = directReads;
        _directWrites = directWrites;
        _metadata = metadata;
        _logger = logger;
        _map = new BucketMap(_limits);
    }

    private string BucketId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _metrics.BucketActivated();
        // A bucket that migrated here arrives with its state (or where to take it from); its timer and metrics start now.
        await TakeStateFromPiecesAsync();
        EnsureExpiryTimer();
        ReportMetrics();
        _active.Add(BucketId);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainsLog.Deactivating(_logger, BucketId, reason.ReasonCode.ToString());
        StopDirectReads();
        ReleaseFeedReaders();
        // The last silo's buckets stop where they are (their changes are flushed to the backup below);
        // the others move with their state (see OnDehydrate), in pieces when too large for one message.
        var lastSilo = reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !_peers.AnyOtherActive();
        if (_link.Serves && !lastSilo && reason.ReasonCode is DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.Migrating)
        {
            await LeaveStateInPiecesAsync(cancellationToken);
            if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
            {
                this.MigrateOnIdle();
            }
        }

        await FlushBestEffortAsync(cancellationToken);
        if (!(lastSilo && _peers.MetadataEndsWithCluster))
        {
            await SaveMetadataBestEffortAsync();
        }
        _dirty.Clear(BucketId);
        _dirty.AddUnstoredBytes(-_reportedUnstoredBytes);
        _reportedUnstoredBytes = 0;
        _listedMask = 0;
        _active.Remove(BucketId);
        _metrics.BucketDeactivated();
        _metrics.EntriesChanged(-_reportedEntries);
        _metrics.JournalChanged(-_reportedPending);
        _memory.AddHeldBytes(-_reportedHeldBytes);
        _reportedEntries = 0;
        _reportedPending = 0;
        _reportedHeldBytes = 0;
    }

    public async ValueTask<BucketValue?> GetAsync(string key)
    {
        RequireValidKey(key);
        await EnsureReadyAsync();
        var found = _map.TryGet(key, Now, out var entry);
        ReportMetrics();
        if (_listedMap is not null)
        {
            _directReads.Called(BucketId);
        }

        return found ? new BucketValue(entry.Value, entry.Version, entry.ExpiresAt) : null;
    }

    public async ValueTask<WriteResult> SetAsync(SetCommand command)
    {
        RequireValidSet(command.Key, command.Value, command.TtlSeconds);
        await EnsureReadyAsync();
        var result = SetReady(command);
        await AfterWriteAsync(result.Succeeded);
        return result;
    }

    /// <summary>The set itself, on a bucket that serves: a call's and a direct write's (<see cref="SetDirectly"/>).</summary>
    private WriteResult SetReady(SetCommand command)
    {
        RequireMemoryForNewData();
        RequireRoomForUnstoredChanges();
        var now = Now;
        return _map.Set(command.Key, command.Value, ExpiryFor(command.TtlSeconds, now), command.IfVersion, command.CreateOnly, now);
    }

    public async ValueTask<WriteResult> DeleteAsync(string key, long? ifVersion)
    {
        RequireValidKey(key);
        await EnsureReadyAsync();
        var result = DeleteReady(key, ifVersion);
        await AfterWriteAsync(result.Succeeded);
        return result;
    }

    /// <summary>The deletion itself, on a bucket that serves: a call's and a direct write's (<see cref="DeleteDirectly"/>).</summary>
    private WriteResult DeleteReady(string key, long? ifVersion)
    {
        RequireRoomForUnstoredChanges();
        return _map.Delete(key, ifVersion, Now);
    }

    public async ValueTask<KeyPage> ListKeysAsync(string prefix, string? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (limit < 1 || limit > _limits.MaxListLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The limit must be from 1 to {_limits.MaxListLimit}.");
        }

        await EnsureReadyAsync();
        return _map.ListKeys(prefix, after, limit, Now);
    }

    public async ValueTask<BatchResult> ApplyBatchAsync(IReadOnlyList<BatchOperation> operations)
    {
        if (operations.Count == 0 || operations.Count > _limits.MaxBatchOperations)
        {
            throw new ArgumentException($"A batch holds 1 to {_limits.MaxBatchOperations} operations.", nameof(operations));
        }

        var addsData = false;
        foreach (var op in operations)
        {
            if (op.Kind == BatchOperationKind.Set)
            {
                addsData = true;
                RequireValidSet(op.Key, op.Value ?? [], op.TtlSeconds);
            }
            else
            {
                RequireValidKey(op.Key);
            }
        }

        await EnsureReadyAsync();
        if (addsData)
        {
            // A batch of deletes only frees memory: it goes through under pressure.
            RequireMemoryForNewData();
        }

        RequireRoomForUnstoredChanges();
        var now = Now;
        var result = _map.ApplyBatch(operations, op => ExpiryFor(op.TtlSeconds, now), now);
        await AfterWriteAsync(result.Applied);
        return result;
    }

    public async ValueTask<BucketStats> GetStatsAsync()
    {
        await EnsureReadyAsync();
        var (entries, bytes, oldest) = _map.Measure(Now);
        ReportMetrics();
        return new BucketStats(entries, bytes, oldest, _map.LastSeq, _policy, BackupProgress());
    }

    public ValueTask<BucketPolicy> SetPolicyAsync(BucketPolicy policy)
    {
        if (policy.DefaultTtlSeconds is { } ttl && KeyRules.ValidateTtl(ttl, _limits.MaxTtlSeconds) is { } error)
        {
            throw new ArgumentException(error, nameof(policy));
        }

        if (!Enum.IsDefined(policy.Durability))
        {
            throw new ArgumentException("Unknown durability class.", nameof(policy));
        }

        return SetPolicyCoreAsync(policy);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private DateTimeOffset? ExpiryFor(long? ttlSeconds, DateTimeOffset now) =>
        (ttlSeconds ?? _policy.DefaultTtlSeconds) is { } ttl ? now.AddSeconds(ttl) : null;

    /// <summary>
    /// Admission control: above the silo's memory high-water mark a write that adds data is refused
    /// before it changes anything, while reads and deletes go on. One volatile read on the hot path.
    /// </summary>
    private void RequireMemoryForNewData()
    {
        if (!_memory.IsUnderPressure)
        {
            return;
        }

        _metrics.MemoryRefusedWrite();
        throw new BucketUnavailableException(
            "Writes that add data are paused: this server is above its memory high-water mark (Buckets:Memory). Nothing was written; reads and deletes still work. Retry shortly.",
            _options.RetryAfterSeconds,
            BucketUnavailableException.MemoryPressure);
    }

    private void RequireValidKey(string key)
    {
        if (KeyRules.Validate(key, _limits.MaxKeyBytes) is { } error)
        {
            throw new ArgumentException(error, nameof(key));
        }
    }

    private void RequireValidSet(string key, byte[] value, long? ttlSeconds)
    {
        RequireValidKey(key);
        if (value.Length > _limits.MaxValueBytes)
        {
            throw new ArgumentException($"The value is {value.Length} bytes; the limit is {_limits.MaxValueBytes}.", nameof(value));
        }

        if (ttlSeconds is { } ttl && KeyRules.ValidateTtl(ttl, _limits.MaxTtlSeconds) is { } error)
        {
            throw new ArgumentException(error, nameof(ttlSeconds));
        }
    }

    private void ReportMetrics()
    {
        _metrics.EntriesChanged(_map.StoredCount - _reportedEntries);
        _reportedEntries = _map.StoredCount;
        _metrics.Expired(_map.Expirations - _reportedExpirations);
        _reportedExpirations = _map.Expirations;
        var pending = _map.Journal?.Count ?? 0;
        _metrics.JournalChanged(pending - _reportedPending);
        _reportedPending = pending;
        var held = _map.StoredBytes + (_map.Journal?.Bytes ?? 0);
        _memory.AddHeldBytes(held - _reportedHeldBytes);
        _reportedHeldBytes = held;
        TrackUnstoredChanges();
        PushEarly();
        WakeFeedReaders();
        ScheduleTrim();
        UpdateDirectReads();
    }

    /// <summary>From here the bucket may move or stop: requests must ask it (and so wait for the next activation).</summary>
    private void StopDirectReads()
    {
        _leaving = true;
        UpdateDirectReads();
    }

    /// <summary>
    /// Lists the map for direct reads, and the bucket for direct writes, exactly while they answer as
    /// a call would: the bucket serves, is not critical (whose writes await the backup) and is not
    /// leaving. Runs after every change of those (all end in <see cref="ReportMetrics"/> or call it),
    /// a field test when nothing changed.
    /// </summary>
    private void UpdateDirectReads()
    {
        var readable = _link.Serves && !_leaving && _policy.Durability != Durability.Critical ? _map : null;
        if (readable != _listedMap)
        {
            _directReads.List(BucketId, _listedMap, readable);
            _listedMap = readable;
        }

        UpdateDirectWrites(readable is not null);
    }
}
