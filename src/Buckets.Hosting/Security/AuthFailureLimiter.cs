using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Buckets.Hosting.Http;
using Microsoft.Extensions.Options;

namespace Buckets.Hosting.Security;

/// <summary>
/// Counts failed authentications per client address (a fixed window per address, from
/// System.Threading.RateLimiting, whose idle partitions are dropped) and blocks an address that
/// spends its window until the window ends. Successes cost one read of an empty map.
/// </summary>
public sealed class AuthFailureLimiter : IDisposable
{
    // Past this many blocked addresses the expired ones are swept before another is added.
    private const int SweepThreshold = 10_000;

    private readonly PartitionedRateLimiter<IPAddress> _failures;
    private readonly ConcurrentDictionary<IPAddress, long> _blockedUntil = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;

    public AuthFailureLimiter(IOptions<HttpSurfaceOptions> options, TimeProvider time)
    {
        _time = time;
        _window = options.Value.AuthFailureWindow;
        var limit = options.Value.AuthFailureLimit;
        _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = _window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>The blocking window, for Retry-After.</summary>
    public TimeSpan Window => _window;

    /// <summary>True while <paramref name="address"/> is blocked.</summary>
    public bool IsBlocked(IPAddress? address)
    {
        if (_blockedUntil.IsEmpty || !_blockedUntil.TryGetValue(address ?? IPAddress.None, out var until))
        {
            return false;
        }

        if (until > _time.GetTimestamp())
        {
            return true;
        }

        _blockedUntil.TryRemove(address ?? IPAddress.None, out _);
        return false;
    }

    /// <summary>Counts a failure; returns true when it spent the address's window (the address is now blocked).</summary>
    public bool RecordFailure(IPAddress? address)
    {
        address ??= IPAddress.None;
        using var lease = _failures.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        if (_blockedUntil.Count >= SweepThreshold)
        {
            foreach (var (blocked, until) in _blockedUntil)
            {
                if (until <= now)
                {
                    _blockedUntil.TryRemove(blocked, out _);
                }
            }
        }

        _blockedUntil[address] = now + (long)(_window.TotalSeconds * _time.TimestampFrequency);
        return true;
    }

    public void Dispose() => _failures.Dispose();
}
