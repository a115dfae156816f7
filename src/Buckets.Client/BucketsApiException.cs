using System.Net;

namespace Buckets.Client;

/// <summary>
/// The API refused a request with an <c>application/problem+json</c> answer. Subclasses name the
/// refusals a caller handles on purpose; anything else arrives as this type with its status and
/// problem type.
/// </summary>
public class BucketsApiException : Exception
{
    /// <summary>Creates the exception for a problem answer.</summary>
    public BucketsApiException(HttpStatusCode status, string? problemType, string? title, string? detail)
        : base(detail ?? title ?? $"The Buckets API answered {(int)status}.")
    {
        Status = status;
        ProblemType = problemType;
        Title = title;
        Detail = detail;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's <c>type</c> (e.g. <c>https://buckets.dev/problems/bucket-full</c>), when it had one.</summary>
    public string? ProblemType { get; }

    /// <summary>The problem's <c>title</c>.</summary>
    public string? Title { get; }

    /// <summary>The problem's <c>detail</c>: what was wrong.</summary>
    public string? Detail { get; }
}
