using BenchmarkDotNet.Configs;
using Buckets.Benchmarks.Infrastructure;

namespace Buckets.Benchmarks.Englang;

/// <summary>Adds the Lines/s and MB/s columns to the Englang benchmarks.</summary>
public sealed class EnglangConfig : ManualConfig
{
    public EnglangConfig()
    {
        AddColumn(
            new ThroughputColumn("Lines", EnglangBenchmarks.BytesPerOperation, megabytes: false),
            new ThroughputColumn("Lines", EnglangBenchmarks.BytesPerOperation, megabytes: true));
    }
}
