using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>
/// Answers the request hot path now builds itself (issue 11): a GET's value written straight to
/// the response must equal the file result still used for requests with range or precondition
/// headers, and problem answers keep a W3C traceId now that no Activity is started per request.
/// </summary>
[Collection(BucketsApiGroup.Name)]
public sealed partial class HotPathAnswerTests(BucketsApiFactory factory)
{
    private const string ParentTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentSpanId = "b7ad6b7169203331";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGetWithARangeHeaderAnswersWhatAPlainGetAnswers()
    {
        using var client = await factory.NewBucketClientAsync();
        await client.MustPutAsync("ranged", "the whole value");

        using var plain = await client.GetKeyAsync("ranged");
        using var ranged = await client.GetKeyAsync("ranged", request => request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 2));

        foreach (var response in new[] { plain, ranged })
        {
            await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
            Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal(15, response.Content.Headers.ContentLength);
            Assert.Equal("the whole value", await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(plain.Headers.ETag, ranged.Headers.ETag);
        Assert.Null(plain.Headers.AcceptRanges.FirstOrDefault());
    }

    [Fact]
    public async Task AProblemAnswerCarriesAW3CTraceId()
    {
        using var client = await factory.NewBucketClientAsync();

        using var missing = await client.GetKeyAsync("never-written");

        await ProblemAssert.StatusAsync(missing, HttpStatusCode.NotFound);
        var traceId = await TraceIdOfAsync(missing);
        Assert.Matches(W3CTraceId(), traceId);
        Assert.EndsWith("-00", traceId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProblemAnswerContinuesTheCallersTraceparent()
    {
        using var client = await factory.NewBucketClientAsync();

        using var missing = await client.GetKeyAsync("never-written", request =>
            request.Headers.Add("traceparent", $"00-{ParentTraceId}-{ParentSpanId}-01"));

        await ProblemAssert.StatusAsync(missing, HttpStatusCode.NotFound);
        var traceId = await TraceIdOfAsync(missing);
        Assert.Matches(W3CTraceId(), traceId);
        Assert.StartsWith($"00-{ParentTraceId}-", traceId, StringComparison.Ordinal);
        Assert.DoesNotContain(ParentSpanId, traceId, StringComparison.Ordinal);
        Assert.EndsWith("-01", traceId, StringComparison.Ordinal);
    }

    private static async Task<string> TraceIdOfAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return problem.RootElement.GetProperty("traceId").GetString() ?? "";
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$")]
    private static partial Regex W3CTraceId();
}
