using System.Net;
using System.Text;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>Bad input on the internal pull endpoint and the backup admin endpoints is a 400 problem, never a 500.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class InternalInputTests(BucketsApiFactory factory)
{
    private static readonly Uri Pull = KeysApi.Relative("/internal/v1/backup/pull");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"acks":null,"maxBatches":10,"maxChangesPerBatch":10}""", "'acks'")]
    [InlineData("""{"acks":[],"maxBatches":2147483647,"maxChangesPerBatch":10}""", "'maxBatches'")]
    [InlineData("""{"acks":[],"maxBatches":0,"maxChangesPerBatch":10}""", "'maxBatches'")]
    [InlineData("""{"acks":[],"maxBatches":10,"maxChangesPerBatch":10,"incarnation":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"}""", "'incarnation'")]
    [InlineData("""{"acks":[],"maxBatches":10,"maxChangesPerBatch":-1}""", "'maxChangesPerBatch'")]
    [InlineData("""{"acks":[null],"maxBatches":10,"maxChangesPerBatch":10}""", "'bucketId'")]
    public async Task AMalformedPullIsA400NamingTheField(string body, string field)
    {
        using var client = factory.ClientFor(BucketsApiFactory.InternalToken);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Pull, content, Ct);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-pull");
        Assert.Contains(field, ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidPullStillAnswers()
    {
        using var client = factory.ClientFor(BucketsApiFactory.InternalToken);
        using var content = new StringContent("""{"acks":[],"maxBatches":10,"maxChangesPerBatch":10}""", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Pull, content, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("GET", "/admin/v1/backups/A")]
    [InlineData("POST", "/admin/v1/backups/A/repair")]
    [InlineData("POST", "/admin/v1/backups/has%20space/repair")]
    public async Task ABucketIdOutsideTheAllowedCharactersIsA400(string method, string path)
    {
        using var admin = factory.AdminClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), KeysApi.Relative(path));

        using var response = await admin.SendAsync(request, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RepairingABucketNeverSeenIs404()
    {
        using var admin = factory.AdminClient();

        using var response = await admin.PostAsync(KeysApi.Relative("/admin/v1/backups/never-seen-bucket/repair"), content: null, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.NotFound);
    }
}
