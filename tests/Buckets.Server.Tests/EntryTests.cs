using System.Globalization;
using System.Net;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>PUT</c>, <c>GET</c> and <c>DELETE /v1/keys/{key}</c>: values, versions and expiry.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class EntryTests(BucketsApiFactory factory)
{
    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_creates_then_replaces_with_increasing_etags()
    {
        using var client = await factory.NewBucketClientAsync();

        using var created = await client.PutTextAsync("greeting", "hello");
        await ProblemAssert.StatusAsync(created, HttpStatusCode.Created);
        var first = KeysApi.VersionOf(created);
        Assert.Equal(KeysApi.KeyUri("greeting").OriginalString, created.Headers.Location?.OriginalString);

        using var replaced = await client.PutTextAsync("greeting", "hello again");
        await ProblemAssert.StatusAsync(replaced, HttpStatusCode.NoContent);
        var second = KeysApi.VersionOf(replaced);
        Assert.True(second > first, $"The replacing version {second} must be above {first}.");

        using var read = await client.GetKeyAsync("greeting");
        await ProblemAssert.StatusAsync(read, HttpStatusCode.OK);
        Assert.Equal(second, KeysApi.VersionOf(read));
        Assert.Equal("hello again", await read.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Get_returns_text_exactly_with_etag_and_text_content_type()
    {
        using var client = await factory.NewBucketClientAsync();
        const string value = "  héllo wörld ✓ 😀\r\nsecond line\t ";
        var version = await client.MustPutAsync("text", value);

        using var response = await client.GetKeyAsync("text");

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(version, KeysApi.VersionOf(response));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(value), await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.False(response.Headers.Contains("X-TTL"), "An entry without TTL has no X-TTL header.");
    }

    [Fact]
    public async Task Binary_value_round_trips_exactly_as_octet_stream()
    {
        using var client = await factory.NewBucketClientAsync();
        byte[] value = [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x80, 0x0A, 0x0D, 0xED, 0xA0, 0x80, 0x41];

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("blob"), KeysApi.Bytes(value, KeysApi.OctetStream));
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);

        using var get = await client.GetKeyAsync("blob");
        await ProblemAssert.StatusAsync(get, HttpStatusCode.OK);
        Assert.Equal(KeysApi.OctetStream, get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(value.Length, get.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Value_without_content_type_is_stored_as_bytes()
    {
        using var client = await factory.NewBucketClientAsync();
        byte[] value = [0x80, 0x81, 0x82];

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("untyped"), KeysApi.Bytes(value, contentType: null));
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);

        using var get = await client.GetKeyAsync("untyped");
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Empty_value_round_trips()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("empty", "");

        using var get = await client.GetKeyAsync("empty");

        await ProblemAssert.StatusAsync(get, HttpStatusCode.OK);
        Assert.Empty(await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Value_of_exactly_the_limit_is_accepted()
    {
        using var client = await factory.NewBucketClientAsync();
        var value = new byte[BucketsApiFactory.MaxValueBytes];
        Random.Shared.NextBytes(value);

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("full-size"), KeysApi.Bytes(value, KeysApi.OctetStream));
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);

        using var get = await client.GetKeyAsync("full-size");
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Chunked_value_within_the_limit_is_accepted()
    {
        using var client = await factory.NewBucketClientAsync();
        var value = new byte[BucketsApiFactory.MaxValueBytes];
        Random.Shared.NextBytes(value);

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("chunked"), new ChunkedContent(value, KeysApi.OctetStream));
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);

        using var get = await client.GetKeyAsync("chunked");
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("dir/sub dir/file.txt")]
    [InlineData("100%")]
    [InlineData("q?x=1&y=2#frag")]
    [InlineData("x%2Fy")]
    [InlineData("plus+and=equals;semi,comma")]
    [InlineData("café")]
    [InlineData("日本/東京")]
    [InlineData("emoji-😀")]
    public async Task Keys_with_slashes_reserved_and_non_ascii_characters_work(string key)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.PutTextAsync(key, "value of " + key);
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);

        Assert.Equal("value of " + key, await client.MustGetTextAsync(key));
        Assert.Equal([key], (await client.ListAllAsync()).Keys);
        using var delete = await client.DeleteKeyAsync(key);
        await ProblemAssert.StatusAsync(delete, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Percent_encoded_slash_names_the_same_key_as_a_literal_slash()
    {
        // A client that escapes the whole key ("a/b" -> "a%2Fb") must reach the key "a/b", and the
        // escaped literal "a%2Fb" (sent as "a%252Fb") must stay a different key.
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.SendToAsync(HttpMethod.Put, KeysApi.Relative("/v1/keys/a%2Fb"), KeysApi.Text("slash"));
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);
        using var literal = await client.SendToAsync(HttpMethod.Put, KeysApi.Relative("/v1/keys/a%252Fb"), KeysApi.Text("percent"));
        await ProblemAssert.StatusAsync(literal, HttpStatusCode.Created);

        Assert.Equal("slash", await client.MustGetTextAsync("a/b"));
        Assert.Equal("percent", await client.MustGetTextAsync("a%2Fb"));
        Assert.Equal(["a%2Fb", "a/b"], (await client.ListAllAsync()).Keys);
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("100%")]
    [InlineData("q?x=1#frag")]
    [InlineData("café")]
    public async Task Location_of_a_created_entry_points_back_at_it(string key)
    {
        using var client = await factory.NewBucketClientAsync();

        using var put = await client.PutTextAsync(key, "here");
        await ProblemAssert.StatusAsync(put, HttpStatusCode.Created);
        var location = put.Headers.Location;
        Assert.NotNull(location);

        using var get = await client.GetAsync(location, Ct);
        await ProblemAssert.StatusAsync(get, HttpStatusCode.OK);
        Assert.Equal("here", await get.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Get_with_ttl_shows_remaining_seconds()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("session", "token", "ttl=100");

        using var get = await client.GetKeyAsync("session");

        await ProblemAssert.StatusAsync(get, HttpStatusCode.OK);
        var ttl = long.Parse(Assert.Single(get.Headers.GetValues("X-TTL")), CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 1, 100);
        Assert.NotNull(get.Content.Headers.Expires);
        Assert.InRange(get.Content.Headers.Expires.Value, DateTimeOffset.UtcNow.AddSeconds(90), DateTimeOffset.UtcNow.AddSeconds(101));
    }

    [Fact]
    public async Task Longest_ttl_is_accepted()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("forever-ish", "v", "ttl=" + BucketsApiFactory.MaxTtlSeconds.ToString(CultureInfo.InvariantCulture));

        using var get = await client.GetKeyAsync("forever-ish");

        var ttl = long.Parse(Assert.Single(get.Headers.GetValues("X-TTL")), CultureInfo.InvariantCulture);
        Assert.InRange(ttl, BucketsApiFactory.MaxTtlSeconds - 60, BucketsApiFactory.MaxTtlSeconds);
    }

    [Fact]
    public async Task Put_without_ttl_clears_a_previous_ttl()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("k", "v1", "ttl=100");
        await client.MustPutAsync("k", "v2");

        using var get = await client.GetKeyAsync("k");

        Assert.Equal("v2", await get.Content.ReadAsStringAsync(Ct));
        Assert.False(get.Headers.Contains("X-TTL"), "A write without ttl (and no default) makes the entry permanent.");
    }

    [Fact]
    public async Task Entry_with_one_second_ttl_disappears()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("ephemeral", "soon gone", "ttl=1");
        await client.MustPutAsync("durable", "stays");

        var gone = await Eventually.HoldsWithinAsync(ExpiryDeadline, async () =>
        {
            using var get = await client.GetKeyAsync("ephemeral");
            return get.StatusCode == HttpStatusCode.NotFound;
        });

        Assert.True(gone, $"An entry with ttl=1 was still readable after {ExpiryDeadline}.");
        using var expired = await client.GetKeyAsync("ephemeral");
        await ProblemAssert.IsAsync(expired, HttpStatusCode.NotFound, "not-found");
        Assert.Equal("stays", await client.MustGetTextAsync("durable"));
        using var delete = await client.DeleteKeyAsync("ephemeral");
        await ProblemAssert.IsAsync(delete, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Delete_removes_the_entry()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("doomed", "bye");

        using var delete = await client.DeleteKeyAsync("doomed");
        await ProblemAssert.StatusAsync(delete, HttpStatusCode.NoContent);

        using var get = await client.GetKeyAsync("doomed");
        await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
        using var again = await client.DeleteKeyAsync("doomed");
        await ProblemAssert.IsAsync(again, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Delete_of_a_missing_key_is_404()
    {
        using var client = await factory.NewBucketClientAsync();

        using var delete = await client.DeleteKeyAsync("never-written");

        var problem = await ProblemAssert.IsAsync(delete, HttpStatusCode.NotFound, "not-found");
        Assert.Contains("never-written", ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_404()
    {
        using var client = await factory.NewBucketClientAsync();

        using var get = await client.GetKeyAsync("never-written");

        var problem = await ProblemAssert.IsAsync(get, HttpStatusCode.NotFound, "not-found");
        Assert.Contains("never-written", ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recreated_entry_gets_a_fresh_higher_version()
    {
        using var client = await factory.NewBucketClientAsync();
        var first = await client.MustPutAsync("phoenix", "one");
        using (var delete = await client.DeleteKeyAsync("phoenix"))
        {
            await ProblemAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        }

        using var recreated = await client.PutTextAsync("phoenix", "two");

        await ProblemAssert.StatusAsync(recreated, HttpStatusCode.Created);
        Assert.True(KeysApi.VersionOf(recreated) > first, "A recreated entry must not reuse an old version (stale If-Match would pass).");
    }
}
