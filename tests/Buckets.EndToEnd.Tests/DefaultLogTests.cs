using System.Net;
using System.Text;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>The shipped log settings: what a user reads after starting the program and using it a little.</summary>
[Trait("Category", "E2E")]
public sealed class DefaultLogTests
{
    private const int Requests = 5;

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
}
