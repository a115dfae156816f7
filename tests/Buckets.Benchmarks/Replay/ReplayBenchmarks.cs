using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Buckets.Englang;

namespace Buckets.Benchmarks.Replay;

/// <summary>
/// Restore speed: <see cref="BucketReplayer.ReplayFiles"/> over one generated 1,000,000-change
/// bucket log (<see cref="ReplayLog"/>: 100,000 keys, 90% sets, 10% deletes), read from a file in
/// the page cache. One operation is the whole replay; allocations are for the whole replay too.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ReplayBenchmarks
{
    private readonly DateTimeOffset _start = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private string _directory = "";
    private string _path = "";

    [Params(1_000_000)]
    public int Changes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("buckets-replay-bench-").FullName;
        _path = Path.Combine(_directory, "changes.englang");
        ReplayLog.Write(_path, null, Changes, 100_000, _start);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public int ReplayFiles()
    {
        var result = BucketReplayer.ReplayFiles([_path], new ReplayOptions(_start.AddHours(1)));
        return result.Succeeded ? result.State.Entries.Count : throw new InvalidOperationException(result.Errors[0].ToString());
    }
}
