namespace Buckets.Server.Http;

/// <summary>
/// A 200 whose body is an entry's value, written straight to the response: exactly what
/// <c>TypedResults.Bytes(value, contentType)</c> writes (status, Content-Type, Content-Length, the
/// bytes) for a request that carries no range or precondition header, without the file-result
/// machinery (range and precondition evaluation, the logger it resolves from the request's
/// services) that such a request never uses. Requests that do carry one keep the file result
/// (<see cref="Suits"/>), so every answer stays what it was.
/// </summary>
public sealed class EntryValueHttpResult(byte[] value, string contentType) : IResult
{
    /// <summary>True when the request has no header the file result would act on: Range, If-Range, If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since.</summary>
    public static bool Suits(HttpRequest request)
    {
        var headers = request.Headers;
        return headers.Range.Count == 0 && headers.IfRange.Count == 0 && headers.IfMatch.Count == 0 && headers.IfNoneMatch.Count == 0
            && headers.IfModifiedSince.Count == 0 && headers.IfUnmodifiedSince.Count == 0;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = value.Length;
        return value.Length == 0 ? Task.CompletedTask : response.Body.WriteAsync(value, httpContext.RequestAborted).AsTask();
    }
}
