using System.Net;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>Probes and metrics answer without authentication.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class HealthAndMetricsTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Probe_is_200_without_auth(string path)
    {
        using var client = factory.AnonymousClient();

        using var response = await client.GetAsync(KeysApi.Relative(path), Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Metrics_expose_bucket_metrics_after_traffic()
    {
        using var api = await factory.NewBucketClientAsync();
        await api.MustPutAsync("metered", "v");
        Assert.Equal("v", await api.MustGetTextAsync("metered"));
        using var client = factory.AnonymousClient();
        var body = "";

        var exposed = await Eventually.HoldsWithinAsync(TimeSpan.FromSeconds(10), async () =>
        {
            using var response = await client.GetAsync(KeysApi.Relative("/metrics"), Ct);
            await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            body = await response.Content.ReadAsStringAsync(Ct);
            return body.Contains("buckets_", StringComparison.Ordinal);
        });

        Assert.True(exposed, $"/metrics never showed a buckets_ metric. Last scrape:\n{body}");
        Assert.Contains("buckets_entries", body, StringComparison.Ordinal);
        Assert.Contains("buckets_active", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_path_is_404_problem()
    {
        using var client = factory.AnonymousClient();

        using var response = await client.GetAsync(KeysApi.Relative("/v1/nothing-here"), Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unsupported_method_is_405_problem()
    {
        using var client = factory.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, KeysApi.Relative("/v1/keys/cart"));

        using var response = await client.SendAsync(request, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
