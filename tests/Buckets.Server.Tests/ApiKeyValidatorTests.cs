using System.Security.Cryptography;
using Buckets.Core.Security;
using Buckets.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Server.Tests;

/// <summary>Signature plus revocation: a revoked key is refused even after its signature was cached, and a stale list refuses every key.</summary>
public sealed class ApiKeyValidatorTests
{
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(60);

    private readonly ApiKeyAuthority _authority = new([new SigningKey("0", RandomNumberGenerator.GetBytes(32))], "0");
    private readonly FakeTimeProvider _time = new();
    private readonly FakeRevocationStore _store = new();
    private readonly RevocationList _revocations;
    private readonly ApiKeyValidator _validator;

    public ApiKeyValidatorTests()
    {
        _revocations = new RevocationList(_store, _time, MaxStaleness);
        _validator = new ApiKeyValidator(_authority, _revocations);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CachedKeyIsRefusedOnceTheRevocationIsRead()
    {
        await _revocations.RefreshAsync(Ct);
        var key = _authority.Mint("alice", serial: 0);
        Assert.True(_validator.TryValidate(key, out var bucket));
        Assert.Equal("alice", bucket);

        await _store.RevokeAsync("alice", Ct);
        Assert.True(_validator.TryValidate(key, out _), "not read yet: this copy cannot know");
        await _revocations.RefreshAsync(Ct);

        Assert.False(_validator.TryValidate(key, out _));
        Assert.True(_validator.TryValidate(_authority.Mint("alice", serial: 1), out _));
        Assert.True(_validator.TryValidate(_authority.Mint("bob", serial: 0), out _));
    }

    [Fact]
    public async Task ApplyingALocalRevocationRefusesAtOnce()
    {
        await _revocations.RefreshAsync(Ct);
        var key = _authority.Mint("alice", serial: 0);
        Assert.True(_validator.TryValidate(key, out _));

        _revocations.Apply(await _store.RevokeAsync("alice", Ct));

        Assert.False(_validator.TryValidate(key, out _));
    }

    [Fact]
    public async Task EveryKeyIsRefusedBeforeTheFirstReadAndOnceTheListIsStale()
    {
        var key = _authority.Mint("alice", serial: 0);
        Assert.False(_validator.TryValidate(key, out _));

        await _revocations.RefreshAsync(Ct);
        Assert.True(_validator.TryValidate(key, out _));

        _store.Failing = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _revocations.RefreshAsync(Ct));
        _time.Advance(MaxStaleness);
        Assert.True(_validator.TryValidate(key, out _), "exactly at the maximum staleness the copy still counts");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_validator.TryValidate(key, out _));

        _store.Failing = false;
        await _revocations.RefreshAsync(Ct);
        Assert.True(_validator.TryValidate(key, out _));
    }

    [Fact]
    public async Task RefreshLoopReadsEveryIntervalAndReportsFailures()
    {
        var interval = TimeSpan.FromSeconds(5);
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var loop = _revocations.RunAsync(interval, _ => Interlocked.Increment(ref failures), stop.Token);
        await WaitForAsync(() => _store.Reads >= 1, "the first read");

        await _store.RevokeAsync("alice", Ct);
        _time.Advance(interval);
        await WaitForAsync(() => !_revocations.Allows("alice", 0), "the revocation to be read one interval later");

        _store.Failing = true;
        _time.Advance(interval);
        await WaitForAsync(() => Volatile.Read(ref failures) == 1, "the failed read to be reported");
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(3, _store.Reads);
    }

    [Fact]
    public async Task RefreshLoopStopsQuietlyWhenCancelledMidRead()
    {
        _store.Hanging = true;
        using var stop = new CancellationTokenSource();
        var loop = _revocations.RunAsync(TimeSpan.FromSeconds(5), _ => Assert.Fail("a cancelled read is not a failure"), stop.Token);
        await WaitForAsync(() => _store.Reads >= 1, "the read to start");

        await stop.CancelAsync();

        await loop.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(loop.IsCompletedSuccessfully);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after 10 s waiting for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(10), Ct);
        }
    }

    private sealed class FakeRevocationStore : IRevocationStore
    {
        private readonly List<KeyRevocation> _revocations = [];
        private int _reads;

        public bool Failing { get; set; }

        public bool Hanging { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public async Task<RevocationChanges> ReadSinceAsync(long afterChange, CancellationToken cancellationToken)
        {
            if (Hanging)
            {
                Interlocked.Increment(ref _reads);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await ReadAsync(afterChange);
        }

        private Task<RevocationChanges> ReadAsync(long afterChange)
        {
            try
            {
                if (Failing)
                {
                    throw new InvalidOperationException("the store is down");
                }

                lock (_revocations)
                {
                    var changed = _revocations.Where(r => r.Change > afterChange).ToList();
                    return Task.FromResult(new RevocationChanges(changed, changed.Count == 0 ? afterChange : changed[^1].Change));
                }
            }
            finally
            {
                Interlocked.Increment(ref _reads);
            }
        }

        public Task<KeyRevocation> RevokeAsync(string bucketId, CancellationToken cancellationToken)
        {
            lock (_revocations)
            {
                var firstValid = _revocations.Where(r => r.BucketId == bucketId).Select(r => r.FirstValidSerial).DefaultIfEmpty(0).Max() + 1;
                var revocation = new KeyRevocation(bucketId, firstValid, DateTimeOffset.UnixEpoch, _revocations.Count + 1);
                _revocations.Add(revocation);
                return Task.FromResult(revocation);
            }
        }

        public Task<long> FirstValidSerialAsync(string bucketId, CancellationToken cancellationToken) =>
            Task.FromResult(_revocations.Where(r => r.BucketId == bucketId).Select(r => r.FirstValidSerial).DefaultIfEmpty(0).Max());
    }
}
