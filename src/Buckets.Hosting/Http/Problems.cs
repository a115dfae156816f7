using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Buckets.Hosting.Http;

/// <summary>The problem+json answers of the API, one place so titles and types stay consistent.</summary>
public static class Problems
{
    private const string TypeBase = "https://buckets.dev/problems/";

    public static ProblemHttpResult BadRequest(string type, string detail) => Make(StatusCodes.Status400BadRequest, type, "The request is invalid.", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Make(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication failed.", detail);

    public static ProblemHttpResult NotFound(string detail) => Make(StatusCodes.Status404NotFound, "not-found", "No such entry.", detail);

    public static ProblemHttpResult Conflict(string type, string detail, IDictionary<string, object?>? extensions = null) =>
        Make(StatusCodes.Status409Conflict, type, "The request conflicts with the bucket's state.", detail, extensions);

    public static ProblemHttpResult PreconditionFailed(string detail) => Make(StatusCodes.Status412PreconditionFailed, "precondition-failed", "A precondition failed.", detail);

    public static ProblemHttpResult TooLarge(string detail) => Make(StatusCodes.Status413PayloadTooLarge, "too-large", "The request body is too large.", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) => Make(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type.", detail);

    public static ProblemHttpResult BackupHistoryGone(string detail) => Make(StatusCodes.Status410Gone, "backup-history-gone", "That point is no longer kept.", detail);

    public static ProblemHttpResult BackupDamaged(string detail) => Make(StatusCodes.Status422UnprocessableEntity, "backup-damaged", "The bucket's backup history is damaged.", detail);

    public static ProblemHttpResult Unavailable(string detail) => Make(StatusCodes.Status503ServiceUnavailable, "unavailable", "The bucket is temporarily unavailable.", detail);

    public static ProblemHttpResult MemoryPressure(string detail) => Make(StatusCodes.Status503ServiceUnavailable, "memory-pressure", "The server is low on memory.", detail);

    public static ProblemHttpResult TooManyRequests(string detail) => Make(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests.", detail);

    /// <summary>The process holds as many request bodies as it may (<see cref="HttpSurfaceOptions.MaxBufferedBodyBytes"/>): 503, Retry-After 1 s.</summary>
    public static ProblemHttpResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Make(StatusCodes.Status503ServiceUnavailable, "server-busy", "The server is busy.", "The server is reading as many request bodies as it may hold; retry shortly.");
    }

    /// <summary>The answer to a body <see cref="BodyReader"/> did not read (413 over <paramref name="limit"/>, 503 busy), or null when it did.</summary>
    public static ProblemHttpResult? Unread(RequestBody body, HttpContext http, string what, long limit) => body.Status switch
    {
        BodyReadStatus.TooLarge => TooLarge($"The {what} is larger than the limit of {limit} bytes."),
        BodyReadStatus.Busy => Busy(http),
        _ => null,
    };

    public static ProblemHttpResult Make(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type, extensions: extensions);
}
