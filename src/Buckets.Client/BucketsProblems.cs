using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Buckets.Contracts.Http;

namespace Buckets.Client;

/// <summary>Turns an unsuccessful answer into the exception that names it.</summary>
internal static class BucketsProblems
{
    public const string TypeBase = "https://buckets.dev/problems/";

    public static async Task<BucketsApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is { } media && media.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(BucketsJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document (a proxy's page, say): the status alone still tells.
            }
        }

        var name = problem?.Type is { } type && type.StartsWith(TypeBase, StringComparison.Ordinal) ? type[TypeBase.Length..] : null;
        return (response.StatusCode, name) switch
        {
            (HttpStatusCode.Conflict, "bucket-full") => new BucketFullException(problem?.Title, problem?.Detail),
            (HttpStatusCode.Conflict, "batch-not-applied") => new BatchNotAppliedException(problem?.Title, problem?.Detail, problem?.Results ?? []),
            (HttpStatusCode.PreconditionFailed, _) => new PreconditionFailedException(problem?.Title, problem?.Detail),
            (HttpStatusCode.ServiceUnavailable, _) => new BucketsUnavailableException(problem?.Type, problem?.Title, problem?.Detail, RetryAfter(response)),
            _ => new BucketsApiException(response.StatusCode, problem?.Type, problem?.Title, problem?.Detail),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    /// <summary>The members of a problem answer the client reads (RFC 9457 plus the batch's results).</summary>
    private sealed record Problem(string? Type, string? Title, string? Detail, IReadOnlyList<BatchOperationResponse>? Results);
}
