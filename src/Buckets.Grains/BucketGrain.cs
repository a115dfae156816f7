using Buckets.Abstractions;
using Buckets.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Grains;

/// <summary>
/// One bucket in memory, keyed by its API key id. Orleans runs one activation at a time, so the
/// map needs no locks. Reads and writes are synchronous against the map; only backup I/O awaits.
/// </summary>
public sealed partial class BucketGrain : Grain, IBucketGrain
{
    private readonly LimitsOptions _limits;
    private readonly BucketGrainOptions _options;
    private readonly TimeProvider _time;
    private readonly BucketsMetrics _metrics;
    private readonly ILogger<BucketGrain> _logger;
    private BucketMap _map;
    private BucketPolicy _policy = BucketPolicy.Default;
    private IGrainTimer? _expiryTimer;
    private long _reportedEntries;
    private long _reportedExpirations;

    public BucketGrain(
        IOptions<LimitsOptions> limits,
        IOptions<BucketGrainOptions> options,
        TimeProvider time,
        BucketsMetrics metrics,
        ILogger<BucketGrain> logger)
    {
        _limits = limits.Value;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _map = new BucketMap(_limits);
    }

    private string BucketId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _metrics.BucketActivated();
        GrainsLog.Activated(_logger, BucketId, _map.StoredCount, _map.LastSeq);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainsLog.Deactivating(_logger, BucketId, reason.ReasonCode.ToString());
        _metrics.BucketDeactivated();
        _metrics.EntriesChanged(-_reportedEntries);
        _reportedEntries = 0;
        return Task.CompletedTask;
    }

    public ValueTask<BucketValue?> GetAsync(string key)
    {
        RequireValidKey(key);
        var found = _map.TryGet(key, Now, out var entry);
        ReportMetrics();
        return ValueTask.FromResult(found ? new BucketValue(entry.Value, entry.Version, entry.ExpiresAt) : null);
    }

    public ValueTask<WriteResult> SetAsync(SetCommand command)
    {
        RequireValidSet(command.Key, command.Value, command.TtlSeconds);
        var now = Now;
        var result = _map.Set(command.Key, command.Value, ExpiryFor(command.TtlSeconds, now), command.IfVersion, command.CreateOnly, now);
        return AfterWriteAsync(result);
    }

    public ValueTask<WriteResult> DeleteAsync(string key, long? ifVersion)
    {
        RequireValidKey(key);
        return AfterWriteAsync(_map.Delete(key, ifVersion, Now));
    }

    public ValueTask<KeyPage> ListKeysAsync(string prefix, string? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (limit < 1 || limit > _limits.MaxListLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The limit must be from 1 to {_limits.MaxListLimit}.");
        }

        return ValueTask.FromResult(_map.ListKeys(prefix, after, limit, Now));
    }

    public ValueTask<BatchResult> ApplyBatchAsync(IReadOnlyList<BatchOperation> operations)
    {
        if (operations.Count == 0 || operations.Count > _limits.MaxBatchOperations)
        {
            throw new ArgumentException($"A batch holds 1 to {_limits.MaxBatchOperations} operations.", nameof(operations));
        }

        foreach (var op in operations)
        {
            if (op.Kind == BatchOperationKind.Set)
            {
                RequireValidSet(op.Key, op.Value ?? [], op.TtlSeconds);
            }
            else
            {
                RequireValidKey(op.Key);
            }
        }

        var now = Now;
        var result = _map.ApplyBatch(operations, op => ExpiryFor(op.TtlSeconds, now), now);
        return AfterBatchAsync(result);
    }

    public ValueTask<BucketStats> GetStatsAsync()
    {
        var (entries, bytes, oldest) = _map.Measure(Now);
        ReportMetrics();
        return ValueTask.FromResult(new BucketStats(entries, bytes, oldest, _map.LastSeq, _policy, BackupProgress()));
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
    }
}
