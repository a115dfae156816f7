using BenchmarkDotNet.Attributes;
using Buckets.Abstractions;
using Buckets.Core;

namespace Buckets.Benchmarks.Core;

/// <summary>
/// <see cref="BucketMap"/> alone (no grain, no HTTP): reads and overwrites over 100,000 live
/// entries of 16-byte keys and 32-byte values, in a shuffled key order, with and without a TTL,
/// and with the change journal a backed-up bucket keeps (acknowledged every 1,024 changes, as
/// the backup server's pulls would). Times are per operation.
/// </summary>
[MemoryDiagnoser]
public class BucketMapBenchmarks
{
    private const int KeySpace = 100_000;
    private const int Operations = 1024;
    private const int OrderMask = (1 << 16) - 1;

    private readonly DateTimeOffset _now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly byte[] _value = "a value of thirty-two bytes ...."u8.ToArray();
    private string[] _keys = [];
    private string[] _absent = [];
    private int[] _order = [];
    private BucketMap _map = null!;
    private BucketMap _journaled = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _keys = [.. Enumerable.Range(0, KeySpace).Select(i => "user:" + i.ToString("D11", System.Globalization.CultureInfo.InvariantCulture))];
        _absent = [.. _keys.Select(k => "gone" + k[4..])];
        _order = [.. Enumerable.Range(0, OrderMask + 1).Select(_ => random.Next(KeySpace))];
        _map = Filled();
        _journaled = Filled();
        _journaled.Journal = new ChangeJournal(100_000, _journaled.LastSeq);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int Get_Hit()
    {
        var found = 0;
        for (var i = 0; i < Operations; i++)
        {
            if (_map.TryGet(_keys[_order[_next++ & OrderMask]], _now, out _))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int Get_Miss()
    {
        var found = 0;
        for (var i = 0; i < Operations; i++)
        {
            if (_map.TryGet(_absent[_order[_next++ & OrderMask]], _now, out _))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Set_NoTtl() => SetMany(_map, null);

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Set_Ttl() => SetMany(_map, _now.AddHours(1));

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Set_NoTtl_Journaled()
    {
        var last = SetMany(_journaled, null);
        _journaled.Journal!.Acknowledge(_journaled.LastSeq);
        return last;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Set_Ttl_Journaled()
    {
        var last = SetMany(_journaled, _now.AddHours(1));
        _journaled.Journal!.Acknowledge(_journaled.LastSeq);
        return last;
    }

    private long SetMany(BucketMap map, DateTimeOffset? expiresAt)
    {
        long version = 0;
        for (var i = 0; i < Operations; i++)
        {
            var result = map.Set(_keys[_order[_next++ & OrderMask]], _value, expiresAt, null, false, _now);
            version = result.Outcome == WriteOutcome.Replaced ? result.Version : throw new InvalidOperationException(result.Outcome.ToString());
        }

        return version;
    }

    private BucketMap Filled()
    {
        var map = new BucketMap(new LimitsOptions());
        foreach (var key in _keys)
        {
            map.Set(key, _value, null, null, false, _now);
        }

        return map;
    }
}
