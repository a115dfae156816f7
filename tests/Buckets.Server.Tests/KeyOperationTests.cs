using System.Net;
using System.Text;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>POST /v1/keys/{key}/{operation}</c>: the atomic operations HTTP shares with the Redis protocol.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class KeyOperationTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IncrementAddsIntegersAndDecimalsAndRefusesText()
    {
        using var client = await factory.NewBucketClientAsync();

        Assert.Equal("1", await PostAsync(client, "hits/increment", HttpStatusCode.OK));
        Assert.Equal("11", await PostAsync(client, "hits/increment?by=10", HttpStatusCode.OK));
        Assert.Equal("10.5", await PostAsync(client, "hits/increment?by=-0.5", HttpStatusCode.OK));
        await client.MustPutAsync("word", "text");
        using var refused = await client.PostAsync("/v1/keys/word/increment", null, Ct);
        await ProblemAssert.StatusAsync(refused, HttpStatusCode.Conflict);
        using var badBy = await client.PostAsync("/v1/keys/hits/increment?by=ten", null, Ct);
        await ProblemAssert.StatusAsync(badBy, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AppendSetRangeExchangeTakeAndRenameActInOneStep()
    {
        using var client = await factory.NewBucketClientAsync();

        Assert.Equal("5", await PostAsync(client, "s/append", HttpStatusCode.OK, "Hello"));
        Assert.Equal("5", await PostAsync(client, "s/setrange?offset=0", HttpStatusCode.OK, "J"));
        Assert.Equal("Jello", await PostAsync(client, "s/exchange", HttpStatusCode.OK, "new"));
        Assert.Equal("", await PostAsync(client, "fresh/exchange", HttpStatusCode.NoContent, "first"));
        Assert.Equal("", await PostAsync(client, "s/rename?to=dir/t", HttpStatusCode.NoContent));
        Assert.Equal("new", await PostAsync(client, "dir/t/take", HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetKeyAsync("dir/t")).StatusCode);
        using var gone = await client.PostAsync("/v1/keys/dir/t/take", null, Ct);
        await ProblemAssert.StatusAsync(gone, HttpStatusCode.NotFound);
        using var unknown = await client.PostAsync("/v1/keys/s/explode", null, Ct);
        await ProblemAssert.StatusAsync(unknown, HttpStatusCode.NotFound);
    }

    private static async Task<string> PostAsync(HttpClient client, string path, HttpStatusCode expected, string? body = null)
    {
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "text/plain");
        using var response = await client.PostAsync("/v1/keys/" + path, content, Ct);
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
