using Microsoft.AspNetCore.Http;

namespace Buckets.Hosting.Http;

/// <summary>
/// Gives every error response that has no body an <c>application/problem+json</c> one (routing's
/// 404 and 405, a rejected request), as <c>UseStatusCodePages</c> does with the problem details
/// service, without its per-request feature, items dictionary and larger state machine (about
/// 330 B of every PUT in a gc-verbose trace of a PUT load). A request that completes
/// synchronously allocates nothing here.
/// </summary>
public sealed class ProblemBodiesMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        var task = next(context);
        return task.IsCompletedSuccessfully ? WriteIfBodilessAsync(context) : AwaitedAsync(task, context);
    }

    private async Task AwaitedAsync(Task task, HttpContext context)
    {
        await task;
        await WriteIfBodilessAsync(context);
    }

    private Task WriteIfBodilessAsync(HttpContext context)
    {
        var response = context.Response;
        if (response.StatusCode < StatusCodes.Status400BadRequest || response.HasStarted
            || response.ContentLength.HasValue || !string.IsNullOrEmpty(response.ContentType))
        {
            return Task.CompletedTask;
        }

        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = response.StatusCode } }).AsTask();
    }
}
