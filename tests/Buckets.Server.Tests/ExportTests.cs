using System.Net;
using System.Text;
using Buckets.Englang;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>GET /v1/bucket/export</c>: the bucket as one Englang snapshot, streamed in pieces.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class ExportTests(BucketsApiFactory factory)
{
    private static readonly Uri Export = KeysApi.Relative("/v1/bucket/export");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportOfABucketLargerThanOnePieceStreamsOneCompleteSnapshot()
    {
        using var client = await factory.NewBucketClientAsync();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < BucketsApiFactory.MaxEntriesPerBucket; i++)
        {
            values[$"k{i}"] = new string((char)('a' + i), BucketsApiFactory.MaxValueBytes - 8);
            await client.MustPutAsync($"k{i}", values[$"k{i}"]);
        }

        using var response = await client.GetAsync(Export, HttpCompletionOption.ResponseHeadersRead, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        // Streamed, not buffered: the length is not known when the headers go out.
        Assert.Null(response.Content.Headers.ContentLength);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(body.Length > 3 * BucketsApiFactory.TransferChunkBytes, $"the export is only {body.Length} bytes");
        using var stream = new MemoryStream(body);
        var replayed = BucketReplayer.Replay([("export", stream)], new ReplayOptions(DateTimeOffset.UtcNow));
        Assert.True(replayed.Succeeded, string.Join("; ", replayed.Errors));
        Assert.Equal(values.Count, replayed.State.Entries.Count);
        Assert.All(values, v => Assert.Equal(v.Value, Encoding.UTF8.GetString(replayed.State.Entries[v.Key].Value)));
    }

    [Fact]
    public async Task ExportOfAnEmptyBucketIsAnEmptySnapshot()
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.GetAsync(Export, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));
        var replayed = BucketReplayer.Replay([("export", stream)], new ReplayOptions(DateTimeOffset.UtcNow));
        Assert.True(replayed.Succeeded, string.Join("; ", replayed.Errors));
        Assert.Empty(replayed.State.Entries);
    }
}
