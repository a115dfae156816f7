using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>GET /v1/bucket</c> (stats) and <c>PUT /v1/bucket/policy</c>.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class BucketTests(BucketsApiFactory factory)
{
    private static readonly Uri Bucket = KeysApi.Relative("/v1/bucket");
    private static readonly Uri Policy = KeysApi.Relative("/v1/bucket/policy");
    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fresh_bucket_has_no_entries_and_the_default_policy()
    {
        var minted = await factory.MintKeyAsync();
        using var client = factory.ClientFor(minted.ApiKey);

        var stats = await GetStatsAsync(client);

        Assert.Equal(minted.Id, stats.GetProperty("id").GetString());
        Assert.Equal(0, stats.GetProperty("entries").GetInt64());
        Assert.Equal(0, stats.GetProperty("bytes").GetInt64());
        Assert.Equal(0, stats.GetProperty("lastChange").GetInt64());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("oldestExpiry").ValueKind);
        Assert.Equal("standard", stats.GetProperty("policy").GetProperty("durability").GetString());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("policy").GetProperty("defaultTtlSeconds").ValueKind);
        Assert.Equal(JsonValueKind.Object, stats.GetProperty("backup").ValueKind);
    }

    [Fact]
    public async Task Stats_count_entries_bytes_and_last_change()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("ab", "hello");
        await client.MustPutAsync("cd", "✓é");
        var last = await client.MustPutAsync("ab", "hi");

        var stats = await GetStatsAsync(client);

        Assert.Equal(2, stats.GetProperty("entries").GetInt64());
        Assert.Equal(Encoding.UTF8.GetByteCount("ab" + "hi" + "cd" + "✓é"), stats.GetProperty("bytes").GetInt64());
        Assert.Equal(last, stats.GetProperty("lastChange").GetInt64());
    }

    [Fact]
    public async Task Stats_show_the_oldest_expiry_and_exclude_expired_entries()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("keep", "12345");
        await client.MustPutAsync("brief", "xyz", "ttl=1");
        var before = await GetStatsAsync(client);
        Assert.Equal(2, before.GetProperty("entries").GetInt64());
        var oldest = before.GetProperty("oldestExpiry").GetDateTimeOffset();
        Assert.InRange(oldest, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(2));

        var expired = await Eventually.HoldsWithinAsync(ExpiryDeadline, async () => (await GetStatsAsync(client)).GetProperty("entries").GetInt64() == 1);

        Assert.True(expired, $"An entry with ttl=1 was still counted after {ExpiryDeadline}.");
        var after = await GetStatsAsync(client);
        Assert.Equal(Encoding.UTF8.GetByteCount("keep12345"), after.GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("oldestExpiry").ValueKind);
    }

    [Fact]
    public async Task Policy_with_default_ttl_applies_to_later_writes_without_ttl()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("before-policy", "v");

        using var set = await PutPolicyAsync(client, """{"durability":"cache","defaultTtlSeconds":60}""");

        await ProblemAssert.StatusAsync(set, HttpStatusCode.OK);
        using (var body = JsonDocument.Parse(await set.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal("cache", body.RootElement.GetProperty("durability").GetString());
            Assert.Equal(60, body.RootElement.GetProperty("defaultTtlSeconds").GetInt64());
        }

        var policy = (await GetStatsAsync(client)).GetProperty("policy");
        Assert.Equal("cache", policy.GetProperty("durability").GetString());
        Assert.Equal(60, policy.GetProperty("defaultTtlSeconds").GetInt64());

        await client.MustPutAsync("after-policy", "v");
        using var after = await client.GetKeyAsync("after-policy");
        Assert.InRange(long.Parse(Assert.Single(after.Headers.GetValues("X-TTL")), CultureInfo.InvariantCulture), 1, 60);

        await client.MustPutAsync("explicit", "v", "ttl=1000");
        using var explicitTtl = await client.GetKeyAsync("explicit");
        Assert.InRange(long.Parse(Assert.Single(explicitTtl.Headers.GetValues("X-TTL")), CultureInfo.InvariantCulture), 61, 1000);

        using var before = await client.GetKeyAsync("before-policy");
        Assert.False(before.Headers.Contains("X-TTL"), "A policy change must not add a TTL to existing entries.");
    }

    [Fact]
    public async Task Policy_without_default_ttl_clears_it()
    {
        using var client = await factory.NewBucketClientAsync();
        using (var first = await PutPolicyAsync(client, """{"durability":"critical","defaultTtlSeconds":60}"""))
        {
            await ProblemAssert.StatusAsync(first, HttpStatusCode.OK);
        }

        using var second = await PutPolicyAsync(client, """{"durability":"Standard"}""");

        await ProblemAssert.StatusAsync(second, HttpStatusCode.OK);
        var policy = (await GetStatsAsync(client)).GetProperty("policy");
        Assert.Equal("standard", policy.GetProperty("durability").GetString());
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("defaultTtlSeconds").ValueKind);
        await client.MustPutAsync("k", "v");
        using var get = await client.GetKeyAsync("k");
        Assert.False(get.Headers.Contains("X-TTL"));
    }

    [Theory]
    [InlineData("""{"durability":"forever"}""")]
    [InlineData("""{"durability":""}""")]
    [InlineData("""{"durability":"1"}""")]
    [InlineData("""{"defaultTtlSeconds":60}""")]
    [InlineData("""{"durability":"cache","defaultTtlSeconds":0}""")]
    [InlineData("""{"durability":"cache","defaultTtlSeconds":-1}""")]
    [InlineData("""{"durability":"cache","defaultTtlSeconds":316224001}""")]
    [InlineData("")]
    public async Task Invalid_policy_is_400(string json)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await PutPolicyAsync(client, json);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-policy");
        var policy = (await GetStatsAsync(client)).GetProperty("policy");
        Assert.Equal("standard", policy.GetProperty("durability").GetString());
    }

    [Theory]
    [InlineData("""{"durability":""")]
    [InlineData("""{"durability":"cache","defaultTtlSeconds":1.5}""")]
    [InlineData("""{"durability":"cache","extra":true}""")]
    [InlineData("""{"durability":2}""")]
    public async Task Malformed_policy_json_is_400(string json)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await PutPolicyAsync(client, json);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-json");
    }

    [Fact]
    public async Task Policy_in_another_content_type_is_415()
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.SendToAsync(HttpMethod.Put, Policy, KeysApi.Text("""{"durability":"cache"}"""));

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task Policy_is_per_bucket()
    {
        using var alice = await factory.NewBucketClientAsync();
        using var bob = await factory.NewBucketClientAsync();

        using (var set = await PutPolicyAsync(alice, """{"durability":"cache","defaultTtlSeconds":30}"""))
        {
            await ProblemAssert.StatusAsync(set, HttpStatusCode.OK);
        }

        var bobPolicy = (await GetStatsAsync(bob)).GetProperty("policy");
        Assert.Equal("standard", bobPolicy.GetProperty("durability").GetString());
        Assert.Equal(JsonValueKind.Null, bobPolicy.GetProperty("defaultTtlSeconds").ValueKind);
    }

    private static async Task<JsonElement> GetStatsAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Bucket, Ct);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return document.RootElement.Clone();
    }

    private static Task<HttpResponseMessage> PutPolicyAsync(HttpClient client, string json) =>
        client.SendToAsync(HttpMethod.Put, Policy, KeysApi.Bytes(Encoding.UTF8.GetBytes(json), "application/json"));
}
