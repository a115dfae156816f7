using System.Net;
using System.Text;
using System.Text.Json;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>POST /v1/batch</c>: all-or-nothing sets and deletes.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class BatchTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllAppliedBatchIs200WithStatusesAndVersions()
    {
        using var client = await factory.NewBucketClientAsync();
        var existing = await client.MustPutAsync("c", "old");
        await client.MustPutAsync("d", "to delete");
        var json = $$"""
            {"operations":[
              {"op":"set","key":"a","value":"text a"},
              {"op":"set","key":"b","valueBase64":"AAEC","ttl":100},
              {"op":"set","key":"c","value":"new","ifVersion":{{existing}}},
              {"op":"delete","key":"d"},
              {"op":"set","key":"e","value":"created only","ifNotExists":true}
            ]}
            """;

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(body.RootElement.GetProperty("applied").GetBoolean());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["a", "b", "c", "d", "e"], results.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["created", "created", "replaced", "deleted", "created"], results.Select(r => r.GetProperty("status").GetString()));
        var versions = results.Select(r => r.GetProperty("version").GetInt64()).ToArray();
        Assert.All(versions, v => Assert.True(v > existing));
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Length, versions.Distinct().Count());

        Assert.Equal("text a", await client.MustGetTextAsync("a"));
        Assert.Equal("new", await client.MustGetTextAsync("c"));
        Assert.Equal("created only", await client.MustGetTextAsync("e"));
        using var c = await client.GetKeyAsync("c");
        Assert.Equal(versions[2], KeysApi.VersionOf(c));
        using var b = await client.GetKeyAsync("b");
        Assert.Equal([0, 1, 2], await b.Content.ReadAsByteArrayAsync(Ct));
        Assert.InRange(long.Parse(Assert.Single(b.Headers.GetValues("X-TTL")), System.Globalization.CultureInfo.InvariantCulture), 1, 100);
        using var d = await client.GetKeyAsync("d");
        await ProblemAssert.IsAsync(d, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task LaterOperationsSeeEarlierOnesInTheSameBatch()
    {
        using var client = await factory.NewBucketClientAsync();
        const string json = """
            {"operations":[
              {"op":"set","key":"k","value":"one","ifNotExists":true},
              {"op":"set","key":"k","value":"two"},
              {"op":"delete","key":"k"},
              {"op":"set","key":"k","value":"three","ifNotExists":true}
            ]}
            """;

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("three", await client.MustGetTextAsync("k"));
    }

    [Fact]
    public async Task DeleteOfAMissingKeyWithoutVersionIsANoOpThatKeepsTheBatch()
    {
        using var client = await factory.NewBucketClientAsync();
        const string json = """{"operations":[{"op":"delete","key":"ghost"},{"op":"set","key":"real","value":"v"}]}""";

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var results = body.RootElement.GetProperty("results");
        Assert.Equal("not-found", results[0].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("version").ValueKind);
        Assert.Equal("created", results[1].GetProperty("status").GetString());
        Assert.Equal("v", await client.MustGetTextAsync("real"));
    }

    [Fact]
    public async Task VersionMismatchIs409WithResultsAndAppliesNothing()
    {
        using var client = await factory.NewBucketClientAsync();
        var version = await client.MustPutAsync("guarded", "original");
        await client.MustPutAsync("victim", "still here");
        var json = $$"""
            {"operations":[
              {"op":"set","key":"new-one","value":"must not appear"},
              {"op":"delete","key":"victim"},
              {"op":"set","key":"guarded","value":"must not change","ifVersion":{{version + 1000}}}
            ]}
            """;

        using var response = await client.PostBatchAsync(json);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "batch-not-applied");
        var results = problem.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["new-one", "victim", "guarded"], results.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["not-attempted", "not-attempted", "version-mismatch"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.All(results, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("version").ValueKind));

        using var newOne = await client.GetKeyAsync("new-one");
        await ProblemAssert.IsAsync(newOne, HttpStatusCode.NotFound, "not-found");
        Assert.Equal("still here", await client.MustGetTextAsync("victim"));
        using var guarded = await client.GetKeyAsync("guarded");
        Assert.Equal("original", await guarded.Content.ReadAsStringAsync(Ct));
        Assert.Equal(version, KeysApi.VersionOf(guarded));
    }

    [Fact]
    public async Task IfNotExistsOnAnExistingEntryIs409AndAppliesNothing()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("taken", "first");
        const string json = """
            {"operations":[
              {"op":"set","key":"other","value":"x"},
              {"op":"set","key":"taken","value":"second","ifNotExists":true}
            ]}
            """;

        using var response = await client.PostBatchAsync(json);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "batch-not-applied");
        var statuses = problem.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString());
        Assert.Equal(["not-attempted", "already-exists"], statuses);
        Assert.Equal("first", await client.MustGetTextAsync("taken"));
        using var other = await client.GetKeyAsync("other");
        await ProblemAssert.IsAsync(other, HttpStatusCode.NotFound, "not-found");
        Assert.Equal(["taken"], (await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task DeleteWithStaleVersionIs409AndAppliesNothing()
    {
        using var client = await factory.NewBucketClientAsync();
        var stale = await client.MustPutAsync("k", "v1");
        await client.MustPutAsync("k", "v2");
        var json = $$"""{"operations":[{"op":"set","key":"x","value":"x"},{"op":"delete","key":"k","ifVersion":{{stale}}}]}""";

        using var response = await client.PostBatchAsync(json);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "batch-not-applied");
        Assert.Equal("version-mismatch", problem.GetProperty("results")[1].GetProperty("status").GetString());
        Assert.Equal("v2", await client.MustGetTextAsync("k"));
        Assert.Equal(["k"], (await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task BatchThatWouldOverfillTheBucketIs409AndAppliesNothing()
    {
        using var client = await factory.NewBucketClientAsync();
        var operations = Enumerable.Range(0, BucketsApiFactory.MaxEntriesPerBucket + 1)
            .Select(i => new { op = "set", key = "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), value = "v" });

        using var response = await client.PostBatchAsync(JsonSerializer.Serialize(new { operations }));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "batch-not-applied");
        Assert.Contains(problem.GetProperty("results").EnumerateArray(), r => r.GetProperty("status").GetString() == "bucket-full");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task SetBeforeDeleteOnAFullBucketIs409AndKeepsTheKeyItWouldHaveDeleted()
    {
        // The reported case (limit 2, "a" and "b" present, [set c, delete a]) with this factory's limit:
        // the bucket is filled to the limit and the batch adds one entry before it frees one.
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("a", "kept");
        await client.MustPutAsync("b", "kept too");
        for (var i = 2; i < BucketsApiFactory.MaxEntriesPerBucket; i++)
        {
            await client.MustPutAsync("filler" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "x");
        }

        using var response = await client.PostBatchAsync("""{"operations":[{"op":"set","key":"c","value":"3"},{"op":"delete","key":"a"}]}""");

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "batch-not-applied");
        var results = problem.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["c", "a"], results.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["bucket-full", "not-attempted"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("kept", await client.MustGetTextAsync("a"));
        using var c = await client.GetKeyAsync("c");
        await ProblemAssert.IsAsync(c, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task DeleteBeforeSetOnAFullBucketIsAppliedWhole()
    {
        using var client = await factory.NewBucketClientAsync();
        for (var i = 0; i < BucketsApiFactory.MaxEntriesPerBucket; i++)
        {
            await client.MustPutAsync("k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "x");
        }

        using var response = await client.PostBatchAsync("""{"operations":[{"op":"delete","key":"k0"},{"op":"set","key":"c","value":"3"}]}""");

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("3", await client.MustGetTextAsync("c"));
        using var k0 = await client.GetKeyAsync("k0");
        await ProblemAssert.IsAsync(k0, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ValueBase64BinaryRoundTrips()
    {
        using var client = await factory.NewBucketClientAsync();
        byte[] value = [0xFF, 0x00, 0xFE, 0x80, 0xC3, 0x28, 0x7F];
        var json = JsonSerializer.Serialize(new { operations = new[] { new { op = "set", key = "bin", valueBase64 = Convert.ToBase64String(value) } } });

        using var response = await client.PostBatchAsync(json);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);

        using var get = await client.GetKeyAsync("bin");
        Assert.Equal(KeysApi.OctetStream, get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task TextValueRoundTripsAsUtf8()
    {
        using var client = await factory.NewBucketClientAsync();
        const string value = "naïve ✓ 😀 \"quoted\" \\ back";
        var json = JsonSerializer.Serialize(new { operations = new[] { new { op = "set", key = "txt", value } } });

        using var response = await client.PostBatchAsync(json);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);

        Assert.Equal(value, await client.MustGetTextAsync("txt"));
    }

    [Theory]
    [InlineData("{\"operations\":[")]
    [InlineData("not json at all")]
    [InlineData("[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}]")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\",\"ttl\":1.5}]}")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":42}]}")]
    public async Task MalformedJsonIs400(string json)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-json");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Theory]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}],\"atomic\":true}")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\",\"expires\":10}]}")]
    public async Task UnknownJsonFieldIs400(string json)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-json");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Theory]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"ok\",\"value\":\"v\"},{\"op\":\"upsert\",\"key\":\"k\",\"value\":\"v\"}]}", "op")]
    [InlineData("{\"operations\":[{\"key\":\"k\",\"value\":\"v\"}]}", "op")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\",\"valueBase64\":\"dg==\"}]}", "exactly one")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\"}]}", "exactly one")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"valueBase64\":\"***\"}]}", "base64")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"value\":\"v\"}]}", "key")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"bad\\u0001key\",\"value\":\"v\"}]}", "control")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\",\"ttl\":0}]}", "TTL")]
    [InlineData("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\",\"ttl\":316224001}]}", "TTL")]
    [InlineData("{\"operations\":[{\"op\":\"delete\",\"key\":\"k\",\"value\":\"v\"}]}", "delete")]
    [InlineData("{\"operations\":[{\"op\":\"delete\",\"key\":\"k\",\"ifNotExists\":true}]}", "delete")]
    public async Task InvalidOperationIs400NamingTheProblem(string json, string detailMentions)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.PostBatchAsync(json);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-batch");
        Assert.Contains(detailMentions, ProblemAssert.Detail(problem), StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task InvalidOperationDetailNamesItsIndex()
    {
        using var client = await factory.NewBucketClientAsync();
        const string json = """{"operations":[{"op":"set","key":"a","value":"v"},{"op":"frobnicate","key":"b"}]}""";

        using var response = await client.PostBatchAsync(json);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-batch");
        Assert.Contains("Operation 1", ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueOverTheLimitIs400()
    {
        using var client = await factory.NewBucketClientAsync();
        var json = JsonSerializer.Serialize(new { operations = new[] { new { op = "set", key = "k", value = new string('v', BucketsApiFactory.MaxValueBytes + 1) } } });

        using var response = await client.PostBatchAsync(json);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-batch");
        Assert.Contains(BucketsApiFactory.MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MostOperationsAllowedAreAccepted()
    {
        using var client = await factory.NewBucketClientAsync();
        var operations = Enumerable.Range(0, BucketsApiFactory.MaxBatchOperations).Select(i => new { op = "set", key = "same", value = "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        using var response = await client.PostBatchAsync(JsonSerializer.Serialize(new { operations }));

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("v9", await client.MustGetTextAsync("same"));
    }

    [Fact]
    public async Task TooManyOperationsIs400()
    {
        using var client = await factory.NewBucketClientAsync();
        var operations = Enumerable.Range(0, BucketsApiFactory.MaxBatchOperations + 1).Select(i => new { op = "set", key = "same", value = "v" });

        using var response = await client.PostBatchAsync(JsonSerializer.Serialize(new { operations }));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-batch");
        Assert.Contains(BucketsApiFactory.MaxBatchOperations.ToString(System.Globalization.CultureInfo.InvariantCulture), ProblemAssert.Detail(problem), StringComparison.Ordinal);
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Theory]
    [InlineData("{\"operations\":[]}")]
    [InlineData("{\"operations\":null}")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("")]
    public async Task EmptyOperationsIs400(string json)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-batch");
    }

    [Fact]
    public async Task BodyOverTheBatchLimitIs413()
    {
        using var client = await factory.NewBucketClientAsync();
        var padding = new string(' ', BucketsApiFactory.MaxBatchBytes);
        var json = "{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}]}" + padding;

        using var response = await client.PostBatchAsync(json);

        await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task ChunkedBodyOverTheBatchLimitIs413()
    {
        using var client = await factory.NewBucketClientAsync();
        var json = "{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}]}" + new string(' ', BucketsApiFactory.MaxBatchBytes * 2);

        using var response = await client.SendToAsync(HttpMethod.Post, BatchApi.BatchUri, new ChunkedContent(Encoding.UTF8.GetBytes(json), "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/octet-stream")]
    public async Task WrongContentTypeIs415(string contentType)
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.PostBatchAsync("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}]}", contentType);

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Empty((await client.ListAllAsync()).Keys);
    }

    [Fact]
    public async Task MissingContentTypeIs415()
    {
        using var client = await factory.NewBucketClientAsync();
        var content = KeysApi.Bytes("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}]}"u8.ToArray(), contentType: null);

        using var response = await client.SendToAsync(HttpMethod.Post, BatchApi.BatchUri, content);

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task JsonSuffixContentTypeIsAccepted()
    {
        using var client = await factory.NewBucketClientAsync();

        using var response = await client.PostBatchAsync("{\"operations\":[{\"op\":\"set\",\"key\":\"k\",\"value\":\"v\"}]}", "application/vnd.buckets.batch+json");

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
    }
}
