using System.Net;
using Buckets.Grains.Memory;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Server.Tests;

/// <summary>A server whose memory reading the test sets; the high-water mark is 1 MB, checked every 50 ms.</summary>
public sealed class MemoryPressureApiFactory : BucketsApiFactory
{
    public const long HighWater = 1_000_000;

    public SettableMemoryGauge Gauge { get; } = new();

    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } = new Dictionary<string, string>
    {
        ["Buckets:Memory:HighWaterBytes"] = HighWater.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:Memory:CheckInterval"] = "00:00:00.050",
    };

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<IMemoryGauge>(Gauge);

    /// <summary>A memory reading a test sets.</summary>
    public sealed class SettableMemoryGauge : IMemoryGauge
    {
        private long _bytes;

        public long Bytes
        {
            get => Interlocked.Read(ref _bytes);
            set => Interlocked.Exchange(ref _bytes, value);
        }

        public long ReadBytes() => Bytes;
    }
}

public sealed class MemoryPressureApiTests(MemoryPressureApiFactory factory) : IClassFixture<MemoryPressureApiFactory>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task UnderMemoryPressureWritesGet503MemoryPressureWithRetryAfterWhileReadsAndDeletesWork()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("kept", "value");
        await client.MustPutAsync("doomed", "value");

        var pressure = factory.Services.GetRequiredService<MemoryPressure>();
        factory.Gauge.Bytes = 2 * MemoryPressureApiFactory.HighWater;
        Assert.True(
            await Eventually.HoldsWithinAsync(Deadline, () => Task.FromResult(pressure.IsUnderPressure)),
            $"the silo did not enter memory pressure {Deadline} after memory passed the high-water mark");

        var refused = await client.PutTextAsync("new", "value");
        using (refused)
        {
            await ProblemAssert.IsAsync(refused, HttpStatusCode.ServiceUnavailable, "memory-pressure");
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After was '{refused.Headers.RetryAfter}'");
        }

        Assert.Equal("value", await client.MustGetTextAsync("kept"));
        using (var deleted = await client.DeleteKeyAsync("doomed"))
        {
            await ProblemAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        }

        using (var missing = await client.GetKeyAsync("new"))
        {
            await ProblemAssert.StatusAsync(missing, HttpStatusCode.NotFound);
        }

        factory.Gauge.Bytes = 0;
        Assert.True(
            await Eventually.HoldsWithinAsync(Deadline, async () =>
            {
                using var response = await client.PutTextAsync("new", "value");
                return response.IsSuccessStatusCode;
            }),
            $"writes were still refused {Deadline} after memory fell below the recovery mark");
        Assert.Equal("value", await client.MustGetTextAsync("new"));
    }
}
