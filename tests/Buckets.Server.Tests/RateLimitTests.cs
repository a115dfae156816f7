using System.Net;
using Buckets.Server.RateLimiting;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Tests;

/// <summary>A server whose buckets may make 3 requests at once and 1 a second after that.</summary>
public sealed class RateLimitedApiFactory : BucketsApiFactory
{
    public const int Burst = 3;

    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } = new Dictionary<string, string>
    {
        ["Buckets:RateLimits:Enabled"] = "true",
        ["Buckets:RateLimits:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:RateLimits:RequestsPerSecond"] = "1",
    };
}

public sealed class RateLimitTests(RateLimitedApiFactory factory) : IClassFixture<RateLimitedApiFactory>
{
    private static readonly Uri Bucket = KeysApi.Relative("/v1/bucket");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABucketOverItsRateGets429WithRetryAfterWhileAnotherBucketIsServed()
    {
        using var noisy = await factory.NewBucketClientAsync();
        using var quiet = await factory.NewBucketClientAsync();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 4 * RateLimitedApiFactory.Burst && limited is null; i++)
        {
            var response = await noisy.GetAsync(Bucket, Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.True(limited is not null, $"no 429 after {statuses.Count} requests with a burst of {RateLimitedApiFactory.Burst}: {string.Join(", ", statuses)}");
        using (limited)
        {
            await ProblemAssert.IsAsync(limited, HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After was '{limited.Headers.RetryAfter}'");
        }

        Assert.True(statuses.Count > RateLimitedApiFactory.Burst - 1, $"refused before the burst was used: {string.Join(", ", statuses)}");
        using var other = await quiet.GetAsync(Bucket, Ct);
        await ProblemAssert.StatusAsync(other, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AdminEndpointsAreNotRateLimited()
    {
        // Minting is an admin call (it asserts 201 each time): well past a bucket's burst, never 429.
        for (var i = 0; i < 3 * RateLimitedApiFactory.Burst; i++)
        {
            await factory.MintKeyAsync();
        }
    }
}

/// <summary>Rate limits are off unless a deployment turns them on.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class DefaultRateLimitTests(BucketsApiFactory factory)
{
    [Fact]
    public async Task RateLimitsAreOffByDefault()
    {
        Assert.False(factory.Services.GetRequiredService<IOptions<BucketRateLimitOptions>>().Value.Enabled);
        using var client = await factory.NewBucketClientAsync();
        // Well past the burst the rate-limited factory allows, and no 429.
        for (var i = 0; i < 10 * RateLimitedApiFactory.Burst; i++)
        {
            using var response = await client.GetAsync(KeysApi.Relative("/v1/bucket"), TestContext.Current.CancellationToken);
            await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        }
    }
}
