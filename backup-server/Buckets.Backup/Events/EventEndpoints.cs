using System.Globalization;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Events;

/// <summary>
/// <c>GET /admin/v1/events?kind=&amp;severity=&amp;cursor=&amp;limit=</c> (admin token, internal surface): the
/// health events newest first. <c>kind</c> (repeatable) keeps those kinds, <c>severity</c> is a minimum
/// (info, warning, failure), <c>cursor</c> is the <c>next</c> of the previous page; anything else is a 400.
/// </summary>
public static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/v1/events", Query).RequireAdminToken().WithTags("Backup events");
        return app;
    }

    private static Results<Ok<BackupEventPage>, ProblemHttpResult> Query(HttpRequest request, BackupEventLog events, IOptions<EventOptions> options)
    {
        var query = request.Query;
        var kinds = new List<BackupEventKind>();
        foreach (var text in query["kind"])
        {
            if (!TryParseName<BackupEventKind>(text, out var kind))
            {
                return Problems.BadRequest("invalid-event-query", $"'kind' must be one of {string.Join(", ", Enum.GetNames<BackupEventKind>())}.");
            }

            kinds.Add(kind);
        }

        var minimum = BackupEventSeverity.Info;
        if (query.ContainsKey("severity") && !TryParseName(query["severity"].ToString(), out minimum))
        {
            return Problems.BadRequest("invalid-event-query", "'severity' must be info, warning or failure (the least severity answered).");
        }

        long? before = null;
        if (query.ContainsKey("cursor"))
        {
            if (!long.TryParse(query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) || cursor < 1)
            {
                return Problems.BadRequest("invalid-event-query", "'cursor' must be the 'next' of a previous page.");
            }

            before = cursor;
        }

        var settings = options.Value;
        var limit = settings.DefaultPageLimit;
        if (query.ContainsKey("limit")
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > settings.MaxPageLimit))
        {
            return Problems.BadRequest("invalid-event-query", $"'limit' must be a whole number from 1 to {settings.MaxPageLimit}.");
        }

        return TypedResults.Ok(events.Query(kinds, minimum, before, limit));
    }

    /// <summary>An enum member by name, any case; numbers are refused so a filter never means a kind by accident.</summary>
    private static bool TryParseName<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return !string.IsNullOrEmpty(text) && !char.IsAsciiDigit(text[0]) && text[0] != '-'
            && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}
