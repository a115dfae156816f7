namespace Buckets.Server.Http;

/// <summary>
/// A status with no body, and for a 201 its Location: what <c>TypedResults.NoContent()</c> and
/// <c>TypedResults.Created(uri)</c> write, without the logger those resolve from the request's
/// services (which creates a service scope per request: about 260 B of a PUT's allocation, measured
/// with RequestPipelineBenchmarks). Endpoints returning it declare the statuses themselves (<c>Produces</c>).
/// </summary>
public sealed class BodilessHttpResult : IResult, IStatusCodeHttpResult
{
    /// <summary>204 No Content.</summary>
    public static readonly BodilessHttpResult NoContent = new(StatusCodes.Status204NoContent, null);

    private readonly string? _location;

    private BodilessHttpResult(int statusCode, string? location)
    {
        StatusCode = statusCode;
        _location = location;
    }

    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <summary>201 Created at <paramref name="location"/>.</summary>
    public static BodilessHttpResult Created(string location) => new(StatusCodes.Status201Created, location);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (_location is not null)
        {
            response.Headers.Location = _location;
        }

        return Task.CompletedTask;
    }
}
