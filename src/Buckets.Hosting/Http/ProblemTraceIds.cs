using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Buckets.Hosting.Http;

/// <summary>
/// The <c>traceId</c> of problem answers, in the form ASP.NET gave it while it started an Activity
/// for every request: W3C <c>00-{trace}-{span}-{flags}</c>, continuing the caller's
/// <c>traceparent</c> when it sent one. The hosts no longer start that Activity (about 0.7 KB and
/// a random id on every request, measured), so the id is made here, for error answers only.
/// </summary>
public static class ProblemTraceIds
{
    private const string TraceIdKey = "traceId";

    /// <summary>A <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/> hook.</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        if (Activity.Current is not null)
        {
            // Something (a tracing listener) started an Activity: ASP.NET already used its id.
            return;
        }

        var headers = context.HttpContext.Request.Headers;
        var trace = ActivityTraceId.CreateRandom();
        var flags = ActivityTraceFlags.None;
        if (ActivityContext.TryParse(headers.TraceParent.ToString(), headers.TraceState.ToString(), out var parent))
        {
            trace = parent.TraceId;
            flags = parent.TraceFlags;
        }

        var recorded = (flags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        context.ProblemDetails.Extensions[TraceIdKey] = $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{recorded}";
    }
}
