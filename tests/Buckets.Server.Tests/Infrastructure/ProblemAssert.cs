using System.Net;
using System.Text.Json;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>Assertions on status codes and RFC 9457 problem answers.</summary>
public static class ProblemAssert
{
    private const string ProblemMediaType = "application/problem+json";

    /// <summary>Asserts the status code, showing the body when it differs.</summary>
    public static async Task StatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}. Body: {body}");
        }
    }

    /// <summary>
    /// Asserts a problem answer: the status, the problem media type, a <c>type</c> ending in
    /// <paramref name="typeSuffix"/> and a non-empty <c>detail</c>. Returns the problem document.
    /// </summary>
    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, HttpStatusCode expected, string typeSuffix)
    {
        await StatusAsync(response, expected);
        Assert.Equal(ProblemMediaType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        var type = problem.GetProperty("type").GetString();
        Assert.NotNull(type);
        Assert.True(type.EndsWith("/" + typeSuffix, StringComparison.Ordinal), $"Problem type '{type}' does not end in '/{typeSuffix}'. Body: {body}");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), $"Problem has no title. Body: {body}");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), $"Problem has no detail. Body: {body}");
        return problem;
    }

    /// <summary>The problem's <c>detail</c>.</summary>
    public static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";
}
