using System.Text;
using Buckets.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Core.Tests;

/// <summary>
/// Random batches against tight limits: a batch applies whole exactly when applying its operations
/// one by one to a plain dictionary model would succeed for every one, and otherwise the map is unchanged.
/// </summary>
public sealed class BucketMapBatchModelTests
{
    private const int MaxEntries = 6;
    private const int MaxBytes = 60;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomBatchesEitherApplyWholeOrLeaveTheMapUnchanged(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        var map = new BucketMap(new LimitsOptions { MaxEntriesPerBucket = MaxEntries, MaxBytesPerBucket = MaxBytes });
        var model = new Model();
        string[] keys = ["a", "b", "c", "d", "e", "f", "g", "h", "ключ"];
        int applied = 0, refused = 0;

        for (var step = 0; step < 3_000; step++)
        {
            time.Advance(TimeSpan.FromSeconds(random.Next(0, 2)));
            var now = time.GetUtcNow();
            var operations = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomOperation(random, keys, model, map.LastSeq)).ToList();
            var before = Snapshot(map, now);
            var expected = model.Clone().TryApply(operations, now, map.LastSeq);

            var result = map.ApplyBatch(operations, op => op.TtlSeconds is { } ttl ? now.AddSeconds(ttl) : null, now);

            Assert.Equal(expected is not null, result.Applied);
            if (result.Applied)
            {
                applied++;
                Assert.All(result.Results, r => Assert.True(r.Succeeded || r.Outcome == WriteOutcome.NotFound, $"applied batch reported {r.Outcome}"));
                model = expected!;
            }
            else
            {
                refused++;
                Assert.Contains(result.Results, r => r.Outcome is not WriteOutcome.NotAttempted);
                Assert.All(result.Results, r => Assert.False(r.Succeeded, $"refused batch reported {r.Outcome}"));
                Assert.Equal(before, Snapshot(map, now));
            }

            Assert.Equal(model.Live(now), Snapshot(map, now));
            var (entries, bytes, _) = map.Measure(now);
            // Measuring reclaimed every expired entry (each an expiry change the map numbered): the model forgets them too.
            model.DropExpired(now);
            Assert.InRange(entries, 0, MaxEntries);
            Assert.InRange(bytes, 0, MaxBytes);
        }

        // Both branches must actually be exercised, or the test proves nothing.
        Assert.True(applied > 100 && refused > 100, $"applied {applied}, refused {refused}");
    }

    private static BatchOperation RandomOperation(Random random, string[] keys, Model model, long lastSeq)
    {
        var key = keys[random.Next(keys.Length)];
        long? ifVersion = random.Next(6) switch
        {
            0 => model.VersionOf(key) ?? lastSeq + 1,
            1 => lastSeq + random.Next(1, 4),
            _ => null,
        };
        if (random.Next(3) == 0)
        {
            return new BatchOperation(BatchOperationKind.Delete, key, IfVersion: ifVersion);
        }

        var value = new byte[random.Next(0, 20)];
        random.NextBytes(value);
        long? ttl = random.Next(4) == 0 ? random.Next(1, 4) : null;
        return new BatchOperation(BatchOperationKind.Set, key, value, ttl, ifVersion, CreateOnly: ifVersion is null && random.Next(8) == 0);
    }

    private static List<string> Snapshot(BucketMap map, DateTimeOffset now) =>
        [.. map.LiveEntries(now).Select(e => $"{e.Key}={Convert.ToHexString(e.Value.Value)}@{e.Value.Version}~{e.Value.ExpiresAtTicks}").Order(StringComparer.Ordinal)];

    /// <summary>The obvious sequential semantics: each operation sees the earlier ones, limits hold after each.</summary>
    private sealed class Model
    {
        private Dictionary<string, (byte[] Value, long Version, long ExpiresAtTicks)> _entries = new(StringComparer.Ordinal);

        public Model Clone() => new() { _entries = new(_entries, StringComparer.Ordinal) };

        public void DropExpired(DateTimeOffset now)
        {
            foreach (var key in _entries.Where(e => !IsLive(e.Value.ExpiresAtTicks, now)).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }
        }

        public long? VersionOf(string key) => _entries.TryGetValue(key, out var e) ? e.Version : null;

        public List<string> Live(DateTimeOffset now) =>
            [.. _entries.Where(e => IsLive(e.Value.ExpiresAtTicks, now)).Select(e => $"{e.Key}={Convert.ToHexString(e.Value.Value)}@{e.Value.Version}~{e.Value.ExpiresAtTicks}").Order(StringComparer.Ordinal)];

        /// <summary>This model after the batch, or null when some operation fails.</summary>
        public Model? TryApply(IReadOnlyList<BatchOperation> operations, DateTimeOffset now, long lastSeq)
        {
            // A batch first removes every expired entry, and each expiry is a change that takes a number.
            var expired = _entries.Count(e => !IsLive(e.Value.ExpiresAtTicks, now));
            foreach (var key in _entries.Where(e => !IsLive(e.Value.ExpiresAtTicks, now)).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }

            var seq = lastSeq + expired;
            foreach (var op in operations)
            {
                var exists = _entries.TryGetValue(op.Key, out var current);
                if (op.IfVersion is not null && (!exists || op.IfVersion != current.Version))
                {
                    return null;
                }

                if (op.Kind == BatchOperationKind.Delete)
                {
                    if (exists)
                    {
                        _entries.Remove(op.Key);
                        seq++;
                    }

                    continue;
                }

                if (op.CreateOnly && exists)
                {
                    return null;
                }

                var expires = op.TtlSeconds is { } ttl ? now.AddSeconds(ttl).UtcTicks : 0;
                _entries[op.Key] = (op.Value ?? [], ++seq, expires);
                if (_entries.Count > MaxEntries || _entries.Sum(e => Encoding.UTF8.GetByteCount(e.Key) + e.Value.Value.Length) > MaxBytes)
                {
                    return null;
                }
            }

            return this;
        }

        private static bool IsLive(long expiresAtTicks, DateTimeOffset now) => expiresAtTicks == 0 || expiresAtTicks > now.UtcTicks;
    }
}
