using System.Net;
using System.Net.Http.Headers;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>Conditional requests: If-Match and If-None-Match on writes, If-None-Match on reads.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class PreconditionTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_with_current_if_match_replaces()
    {
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("counter", "1");

        using var put = await client.PutTextAsync("counter", "2", configure: r => r.Headers.IfMatch.Add(KeysApi.ETag(version)));

        await ProblemAssert.StatusAsync(put, HttpStatusCode.NoContent);
        Assert.True(KeysApi.VersionOf(put) > version);
        Assert.Equal("2", await client.MustGetTextAsync("counter"));
    }

    [Fact]
    public async Task Put_with_stale_if_match_is_412_and_changes_nothing()
    {
        using var client = await factory.NewBucketClientAsync();
        var stale = await client.MustPutAsync("counter", "1");
        var current = await client.MustPutAsync("counter", "2");

        using var put = await client.PutTextAsync("counter", "3", configure: r => r.Headers.IfMatch.Add(KeysApi.ETag(stale)));

        await ProblemAssert.IsAsync(put, HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var get = await client.GetKeyAsync("counter");
        Assert.Equal("2", await get.Content.ReadAsStringAsync(Ct));
        Assert.Equal(current, KeysApi.VersionOf(get));
    }

    [Fact]
    public async Task Put_with_if_match_on_a_missing_entry_is_412()
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.PutTextAsync("absent", "x", configure: r => r.Headers.IfMatch.Add(KeysApi.ETag(1)));

        await ProblemAssert.IsAsync(put, HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var get = await client.GetKeyAsync("absent");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("\"abc\"")]
    [InlineData("\"\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"1")]
    [InlineData("\"1\", \"2\"")]
    public async Task Put_with_malformed_if_match_is_400(string ifMatch)
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("k", "v");

        using var put = await client.PutTextAsync("k", "new", configure: r => r.Headers.TryAddWithoutValidation("If-Match", ifMatch));

        await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-precondition");
        Assert.Equal("v", await client.MustGetTextAsync("k"));
    }

    [Fact]
    public async Task Put_with_if_none_match_star_creates_a_new_entry()
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.PutTextAsync("fresh", "first", configure: r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));

        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);
        Assert.Equal("first", await client.MustGetTextAsync("fresh"));
    }

    [Fact]
    public async Task Concurrent_create_only_puts_let_exactly_one_win()
    {
        using var client = await factory.NewBucketClientAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PutTextAsync("lock", "owner-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), configure: r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any))));

        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
            var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.Equal("owner-" + winner.ToString(System.Globalization.CultureInfo.InvariantCulture), await client.MustGetTextAsync("lock"));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Concurrent_compare_and_swap_lets_exactly_one_win()
    {
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("balance", "100");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PutTextAsync("balance", "writer-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), configure: r => r.Headers.IfMatch.Add(KeysApi.ETag(version)))));

        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
            Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Put_with_if_none_match_star_on_an_existing_entry_is_412()
    {
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("taken", "first");

        using var put = await client.PutTextAsync("taken", "second", configure: r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));

        await ProblemAssert.IsAsync(put, HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var get = await client.GetKeyAsync("taken");
        Assert.Equal("first", await get.Content.ReadAsStringAsync(Ct));
        Assert.Equal(version, KeysApi.VersionOf(get));
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("W/\"1\"")]
    [InlineData("garbage")]
    public async Task Put_with_if_none_match_other_than_star_is_400(string ifNoneMatch)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.PutTextAsync("k", "v", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch));

        await ProblemAssert.IsAsync(put, HttpStatusCode.BadRequest, "invalid-precondition");
        using var get = await client.GetKeyAsync("k");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Delete_with_current_if_match_deletes()
    {
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("k", "v");

        using var delete = await client.DeleteKeyAsync("k", r => r.Headers.IfMatch.Add(KeysApi.ETag(version)));

        await ProblemAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        using var get = await client.GetKeyAsync("k");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Delete_with_stale_if_match_is_412_and_keeps_the_entry()
    {
        using var client = await factory.NewBucketClientAsync();
        var stale = await client.MustPutAsync("k", "old");
        await client.MustPutAsync("k", "new");

        using var delete = await client.DeleteKeyAsync("k", r => r.Headers.IfMatch.Add(KeysApi.ETag(stale)));

        await ProblemAssert.IsAsync(delete, HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal("new", await client.MustGetTextAsync("k"));
    }

    [Fact]
    public async Task Delete_with_malformed_if_match_is_400()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("k", "v");

        using var delete = await client.DeleteKeyAsync("k", r => r.Headers.TryAddWithoutValidation("If-Match", "not-an-etag"));

        await ProblemAssert.IsAsync(delete, HttpStatusCode.BadRequest, "invalid-precondition");
        Assert.Equal("v", await client.MustGetTextAsync("k"));
    }

    [Fact]
    public async Task Delete_with_if_none_match_is_400()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("k", "v");

        using var delete = await client.DeleteKeyAsync("k", r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));

        await ProblemAssert.IsAsync(delete, HttpStatusCode.BadRequest, "invalid-precondition");
        Assert.Equal("v", await client.MustGetTextAsync("k"));
    }

    [Fact]
    public async Task Get_with_if_none_match_of_the_current_etag_is_304()
    {
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("cached", "payload");

        using var get = await client.GetKeyAsync("cached", r => r.Headers.IfNoneMatch.Add(KeysApi.ETag(version)));

        await ProblemAssert.StatusAsync(get, HttpStatusCode.NotModified);
        Assert.Equal(version, KeysApi.VersionOf(get));
        Assert.Empty(await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Get_with_if_none_match_of_an_old_etag_is_200()
    {
        using var client = await factory.NewBucketClientAsync();
        var old = await client.MustPutAsync("cached", "v1");
        var current = await client.MustPutAsync("cached", "v2");

        using var get = await client.GetKeyAsync("cached", r => r.Headers.IfNoneMatch.Add(KeysApi.ETag(old)));

        await ProblemAssert.StatusAsync(get, HttpStatusCode.OK);
        Assert.Equal(current, KeysApi.VersionOf(get));
        Assert.Equal("v2", await get.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("{0}, \"999999\"")]
    [InlineData("\"999999\", {0}")]
    [InlineData("W/{0}")]
    [InlineData("*")]
    public async Task Get_with_if_none_match_list_weak_or_star_matching_is_304(string template)
    {
        // RFC 9110 13.1.2: If-None-Match uses weak comparison over a list of tags, and '*' matches any current entry.
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("cached", "payload");
        var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, KeysApi.ETag(version).Tag);

        using var get = await client.GetKeyAsync("cached", r => r.Headers.TryAddWithoutValidation("If-None-Match", header));

        await ProblemAssert.StatusAsync(get, HttpStatusCode.NotModified);
    }
}
