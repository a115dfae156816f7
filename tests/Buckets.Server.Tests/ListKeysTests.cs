using System.Net;
using System.Text.Json;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>GET /v1/keys</c>: prefix filtering, ordinal order and cursor paging.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class ListKeysTests(BucketsApiFactory factory)
{
    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Empty_bucket_lists_nothing_with_a_null_cursor()
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.GetAsync(KeysApi.Relative("/v1/keys?limit=10"), Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(0, body.RootElement.GetProperty("keys").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Lists_keys_by_prefix_in_ordinal_order()
    {
        using var client = await factory.NewBucketClientAsync();
        string[] keys = ["fruit/cherry", "veg/carrot", "fruit/apple", "fruitcake", "Fruit/Banana"];
        foreach (var key in keys)
        {
            await client.MustPutAsync(key, "v");
        }

        var all = await client.ListAllAsync();
        var fruitSlash = await client.ListAllAsync("fruit/");
        var fruit = await client.ListAllAsync("fruit");
        var none = await client.ListAllAsync("meat");

        Assert.Equal(keys.Order(StringComparer.Ordinal), all.Keys);
        Assert.Equal(["Fruit/Banana", "fruit/apple", "fruit/cherry", "fruitcake", "veg/carrot"], all.Keys);
        Assert.Null(all.NextCursor);
        Assert.Equal(["fruit/apple", "fruit/cherry"], fruitSlash.Keys);
        Assert.Equal(["fruit/apple", "fruit/cherry", "fruitcake"], fruit.Keys);
        Assert.Empty(none.Keys);
        Assert.Null(none.NextCursor);
    }

    [Fact]
    public async Task List_without_limit_uses_a_default_page_within_the_configured_maximum()
    {
        // The default page size must respect Buckets:Limits:MaxListLimit (50 here) instead of failing.
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("only", "v");

        using var response = await client.GetAsync(KeysApi.Relative("/v1/keys"), Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["only"], body.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Paging_with_limit_2_visits_every_matching_key_once_in_order()
    {
        using var client = await factory.NewBucketClientAsync();
        string[] matching = ["p/a", "p/b", "p/c", "p/d/e"];
        foreach (var key in matching.Append("q/outside"))
        {
            await client.MustPutAsync(key, "v");
        }

        var visited = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = "prefix=p%2F&limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await client.ListAsync(query);
            Assert.InRange(page.Keys.Count, 1, 2);
            visited.AddRange(page.Keys);
            cursor = page.NextCursor;
            pages++;
            Assert.True(pages <= matching.Length, "Paging does not terminate.");
        }
        while (cursor is not null);

        Assert.Equal(matching, visited);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task Paging_an_odd_count_ends_with_a_short_page_and_null_cursor()
    {
        using var client = await factory.NewBucketClientAsync();
        string[] keys = ["k1", "k2", "k3", "k4", "k5"];
        foreach (var key in keys)
        {
            await client.MustPutAsync(key, "v");
        }

        var first = await client.ListAsync("limit=2");
        var second = await client.ListAsync("limit=2&cursor=" + Uri.EscapeDataString(first.NextCursor!));
        var third = await client.ListAsync("limit=2&cursor=" + Uri.EscapeDataString(second.NextCursor!));

        Assert.Equal(["k1", "k2"], first.Keys);
        Assert.Equal(["k3", "k4"], second.Keys);
        Assert.Equal(["k5"], third.Keys);
        Assert.NotNull(first.NextCursor);
        Assert.NotNull(second.NextCursor);
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public async Task Cursor_survives_the_deletion_of_the_last_listed_key()
    {
        using var client = await factory.NewBucketClientAsync();
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            await client.MustPutAsync(key, "v");
        }

        var first = await client.ListAsync("limit=2");
        using (var delete = await client.DeleteKeyAsync("b"))
        {
            await ProblemAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        }

        var second = await client.ListAsync("limit=2&cursor=" + Uri.EscapeDataString(first.NextCursor!));

        Assert.Equal(["a", "b"], first.Keys);
        Assert.Equal(["c", "d"], second.Keys);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task Non_ascii_keys_page_through_the_cursor()
    {
        using var client = await factory.NewBucketClientAsync();
        string[] keys = ["é/1", "é/2", "日本", "😀"];
        foreach (var key in keys)
        {
            // Written through a batch so the listing test does not depend on PUT's Location header.
            await client.BatchSetAsync(key);
        }

        var visited = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.ListAsync("limit=1" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            visited.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null && visited.Count <= keys.Length);

        Assert.Equal(keys.Order(StringComparer.Ordinal), visited);
    }

    [Fact]
    public async Task Expired_entries_are_not_listed()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("keep", "v");
        await client.MustPutAsync("short-lived", "v", "ttl=1");
        Assert.Equal(["keep", "short-lived"], (await client.ListAllAsync()).Keys);

        var expired = await Eventually.HoldsWithinAsync(ExpiryDeadline, async () => (await client.ListAllAsync()).Keys.SequenceEqual(["keep"]));

        Assert.True(expired, $"An entry with ttl=1 was still listed after {ExpiryDeadline}.");
        Assert.Empty((await client.ListAllAsync("short")).Keys);
    }
}
