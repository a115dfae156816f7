using System.Net;
using System.Text;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>The shipped log settings: what a user reads after starting the program and using it a little.</summary>
[Trait("Category", "E2E")]
public sealed class DefaultLogTests
{
    private const int Requests = 5;

    // Above the grain's default transfer piece (Buckets:Grain:TransferChunkBytes, 4 MiB): a bucket
    // this large hands its state over in pieces when it moves to another silo.
    private const int LargeValues = 5;
    private const int LargeValueBytes = 1024 * 1024;

    [Fact]
    public async Task StartAndAFewRequestsLogOnlyLinesAUserWantsToRead()
    {
        await using var deployment = await Deployment.StartAsync(remoteBackup: true);
        // Several buckets: every first use of one is a grain placement, which Polly used to log twice.
        for (var i = 0; i < Requests; i++)
        {
            using var client = await deployment.NewBucketAsync(i % 2 == 0 ? "critical" : "standard");
            Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, Deployment.Key(i), "value"));
            using var missing = await client.GetAsync("/v1/keys/missing");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            await Deployment.WaitBackedUpAsync(client, TimeSpan.FromSeconds(20));
        }

        using (var unauthorized = deployment.Silo!.CreateClient("not-a-key"))
        {
            using var refused = await unauthorized.PutAsync("/v1/keys/x", new StringContent("x", Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        LogLines.AssertReadable(deployment.Output);
    }

    [Fact]
    public async Task AGracefulStopOfALoneSiloLogsNoErrorAndItsBucketsComeBackWhole()
    {
        await using var deployment = await Deployment.StartAsync();
        using var small = await deployment.NewBucketAsync("standard");
        using var large = await deployment.NewBucketAsync("standard");
        Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(small, "greeting", "hello"));
        var values = new List<byte[]>();
        for (var i = 0; i < LargeValues; i++)
        {
            var value = new byte[LargeValueBytes];
            Random.Shared.NextBytes(value);
            values.Add(value);
            using var content = new ByteArrayContent(value);
            content.Headers.ContentType = new("application/octet-stream");
            using var put = await large.PutAsync($"/v1/keys/{Deployment.Key(i)}", content);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await Deployment.WaitBackedUpAsync(large, TimeSpan.FromSeconds(30));

        // With no other silo to move to, the buckets stop where they are: no hand-over is tried (it
        // used to fail and log an error with a stack trace per large bucket), nothing is lost.
        await deployment.Silo!.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("Application is shutting down", deployment.Output, StringComparison.Ordinal);
        // Orleans' watchdog reports a starved CPU (a busy CI machine), which is not about the stop.
        var problems = deployment.Output.Split('\n')
            .SkipWhile(line => !line.Contains("Application is shutting down", StringComparison.Ordinal))
            .Where(line => (line.Contains(" WRN] ", StringComparison.Ordinal) || line.Contains(" ERR] ", StringComparison.Ordinal))
                && !line.Contains("Orleans.Runtime.Watchdog", StringComparison.Ordinal))
            .ToList();
        Assert.True(problems.Count == 0, $"the stop logged {problems.Count} warnings or errors:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");

        await deployment.StartSiloAsync();
        using var smallAgain = deployment.ClientFor(small);
        Assert.Equal("hello", await smallAgain.GetStringAsync("/v1/keys/greeting"));
        using var largeAgain = deployment.ClientFor(large);
        for (var i = 0; i < LargeValues; i++)
        {
            Assert.Equal(values[i], await largeAgain.GetByteArrayAsync($"/v1/keys/{Deployment.Key(i)}"));
        }
    }
}
