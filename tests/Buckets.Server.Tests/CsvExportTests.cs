using System.Net;
using System.Text;
using Buckets.Hosting.Csv;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>GET /v1/bucket/export?format=csv</c>: the bucket's live entries as RFC 4180 CSV, streamed.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class CsvExportTests(BucketsApiFactory factory)
{
    private static readonly Uri CsvExport = KeysApi.Relative("/v1/bucket/export?format=csv");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CsvExportHasTheHeaderAndOneRowPerEntryWithTextBinaryAndFormulasMarked()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("plain", "3 apples", "ttl=3600");
        await client.MustPutAsync("=cmd|' /C calc'!A0", "+1, \"quoted\"\r\nnext line");
        await client.MustPutAsync("@sum", "'already apostrophed");
        using (var binary = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("bytes"), KeysApi.Bytes([0x00, 0xFF, 0x10], "application/octet-stream")))
        {
            await ProblemAssert.StatusAsync(binary, HttpStatusCode.Created);
        }

        using var response = await client.GetAsync(CsvExport, HttpCompletionOption.ResponseHeadersRead, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Null(response.Content.Headers.ContentLength);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "the CSV starts with a byte order mark");
        var rows = CsvRows.Parse(Encoding.UTF8.GetString(bytes));
        Assert.Equal(BucketCsvWriter.StateHeader, string.Join(',', rows[0]));
        var byKey = rows.Skip(1).ToDictionary(r => BucketCsvWriter.Unneutralise(r[0]));
        Assert.Equal(4, byKey.Count);

        Assert.Equal(["plain", "3 apples", "text"], byKey["plain"][..3]);
        Assert.True(DateTimeOffset.Parse(byKey["plain"][3], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.True(long.Parse(byKey["plain"][4], System.Globalization.CultureInfo.InvariantCulture) >= 1);

        var formula = byKey["=cmd|' /C calc'!A0"];
        Assert.Equal("'=cmd|' /C calc'!A0", formula[0]);
        Assert.Equal("'+1, \"quoted\"\r\nnext line", formula[1]);
        Assert.Equal("+1, \"quoted\"\r\nnext line", BucketCsvWriter.Unneutralise(formula[1]));
        Assert.Equal("", formula[3]);

        Assert.Equal("''already apostrophed", byKey["@sum"][1]);
        Assert.Equal("'already apostrophed", BucketCsvWriter.Unneutralise(byKey["@sum"][1]));

        Assert.Equal(["bytes", "AP8Q", "base64"], byKey["bytes"][..3]);
    }

    [Fact]
    public async Task CsvExportOfABucketLargerThanOnePieceHasEveryEntry()
    {
        using var client = await factory.NewBucketClientAsync();
        for (var i = 0; i < BucketsApiFactory.MaxEntriesPerBucket; i++)
        {
            await client.MustPutAsync($"k{i}", new string((char)('a' + i), BucketsApiFactory.MaxValueBytes - 8));
        }

        var csv = await client.GetStringAsync(CsvExport, Ct);

        var rows = CsvRows.Parse(csv);
        Assert.True(csv.Length > 3 * BucketsApiFactory.TransferChunkBytes, $"the export is only {csv.Length} characters");
        Assert.Equal(BucketsApiFactory.MaxEntriesPerBucket + 1, rows.Count);
        Assert.All(rows.Skip(1), row => Assert.Equal(BucketsApiFactory.MaxValueBytes - 8, row[1].Length));
    }

    [Fact]
    public async Task TheHistoryWriterWritesEveryKindOfChangeWithItsTimeAndAction()
    {
        var at = new DateTimeOffset(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero);
        using var stream = new MemoryStream();
        await using (var csv = BucketCsvWriter.ForHistory(stream))
        {
            Assert.True(csv.Write(new Englang.SetRecord(at, "b", 1, "k", "v"u8.ToArray(), at.AddDays(1))));
            Assert.True(csv.Write(new Englang.ExpireRecord(at, "b", 2, "k", null)));
            Assert.True(csv.Write(new Englang.DeleteRecord(at, "b", 3, "k")));
            Assert.True(csv.Write(new Englang.PolicyRecord(at, "b", 4, "critical", null)));
            Assert.True(csv.Write(new Englang.ClearRecord(at, "b", 5)));
            Assert.False(csv.Write(new Englang.SnapshotFooterRecord(at, "b", 5, 0, new string('0', 32))));
        }

        var rows = CsvRows.Parse(Encoding.UTF8.GetString(stream.ToArray()));

        Assert.Equal(BucketCsvWriter.HistoryHeader, string.Join(',', rows[0]));
        Assert.Equal(["k", "v", "text", "2026-11-26T00:31:09.123Z", "1", "2026-11-25T00:31:09.123Z", "set"], rows[1]);
        Assert.Equal(["never-expire", "delete", "policy", "clear"], rows.Skip(2).Select(r => r[6]));
        Assert.All(rows.Skip(2), r => Assert.Equal("", r[1]));
    }

    [Fact]
    public async Task AnUnknownExportFormatIs400()
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.GetAsync(KeysApi.Relative("/v1/bucket/export?format=xlsx"), Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-format");
    }
}
