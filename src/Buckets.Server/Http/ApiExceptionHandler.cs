using System.Globalization;
using Buckets.Abstractions;
using Buckets.Hosting.Http;
using Microsoft.AspNetCore.Diagnostics;

namespace Buckets.Server.Http;

/// <summary>
/// Turns exceptions that escape a handler into problem answers: an unavailable bucket is a 503
/// with Retry-After, a refused argument a 400, a malformed HTTP request its own 4xx.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BucketUnavailableException unavailable => Unavailable(context, unavailable),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.TooLarge("The request body is larger than the server accepts."),
            BadHttpRequestException bad => Problems.Make(bad.StatusCode, "bad-request", "The HTTP request is malformed.", bad.Message),
            ArgumentException argument => Problems.BadRequest("invalid-argument", argument.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            TimeoutException => Problems.Make(StatusCodes.Status503ServiceUnavailable, "timeout", "The request timed out.", "The bucket did not answer in time; retry."),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        LogHandled(logger, exception.GetType().Name, problem.StatusCode);
        await problem.ExecuteAsync(context);
        return true;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable(HttpContext context, BucketUnavailableException exception)
    {
        context.Response.Headers.RetryAfter = exception.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return exception.Reason == BucketUnavailableException.MemoryPressure
            ? Problems.MemoryPressure(exception.Message)
            : Problems.Unavailable(exception.Message);
    }

    // Debug, not Information: under memory pressure or an unavailable backup every refused write
    // lands here, and a line per request would flood the log; metrics count them, and the state
    // changes behind them are logged once each.
    [LoggerMessage(2001, LogLevel.Debug, "Request failed with {ExceptionType}, answered {StatusCode}")]
    private static partial void LogHandled(ILogger logger, string exceptionType, int statusCode);
}
