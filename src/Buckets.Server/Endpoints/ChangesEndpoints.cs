using System.Globalization;
using System.Text;
using System.Text.Json;
using Buckets.Abstractions;
using Buckets.Contracts.Http;
using Buckets.Core.Feed;
using Buckets.Hosting.Http;
using Buckets.Hosting.OpenApi;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Endpoints;

/// <summary>
/// <c>GET /v1/changes</c>: the caller's bucket's change feed, as Server-Sent Events or, with <c>wait</c>,
/// as one long-poll JSON page. The reader keeps its place (the change number), so it resumes on any
/// silo after a move or crash; older numbers are read from the backup server.
/// </summary>
public static class ChangesEndpoints
{
    private const string EventStream = "text/event-stream";
    private const string LastEventIdHeader = "Last-Event-ID";

    public static IEndpointRouteBuilder MapChangesEndpoints(this IEndpointRouteBuilder app)
    {
        var feed = app.ServiceProvider.GetRequiredService<IOptions<ChangeFeedOptions>>().Value;
        app.MapGet("/v1/changes", FollowAsync).RequireApiKey().WithTags("Changes").WithTenantProblems()
            .WithSummary("Follow the bucket's changes (Server-Sent Events, or a long-poll page with wait)")
            .WithDescription($"""
                Every change after 'after' (or the Last-Event-ID header), in order and without gaps: set, delete, expire (an expiry changed), expired (an entry reached its expiry, within about a second of its deadline), clear, policy, restore, and snapshot (a policy change or restore read back from the backup). Without 'wait' the answer is text/event-stream: one 'change' event per change with the change number as its id and a ChangeEventResponse as data, a ':' comment line every {feed.HeartbeatInterval.TotalSeconds:0} s when idle, and before the stream ends an 'end' event with why and the number to resume after (reason 'overflow': the reader fell {feed.BufferedEventsPerSubscriber} events behind). With 'wait' (seconds, 0 to {feed.MaxWait.TotalSeconds:0}) the answer is one JSON page, returned as soon as a change exists or the wait ends. A number older than the retained history answers 410 history-gone with 'oldestAfter'; a number above the bucket's latest change answers 409 change-ahead with 'lastChange'. Values over {feed.MaxEventValueBytes} bytes are not sent (valueTooLarge, valueBytes).
                """)
            .Produces<string>(StatusCodes.Status200OK, EventStream)
            .Produces<ChangePageResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithParameterDescriptions(
                ("after", "Report changes after this number (0: from the first). Defaults to the Last-Event-ID header, else to the bucket's latest change (only new changes)."),
                ("wait", $"Long poll: seconds to wait for a change, 0 to {feed.MaxWait.TotalSeconds:0}; answers one JSON page instead of a stream."))
            .WithResponseExample(StatusCodes.Status200OK, """
                {"changes":[{"change":43,"kind":"set","at":"2026-12-01T16:00:00.123+00:00","key":"cart","value":"3 apples","valueEncoding":"utf-8","valueBytes":8,"valueTooLarge":false,"expiresAt":null,"policy":null}],"next":43,"lastChange":43}
                """);
        return app;
    }

    private static async Task<IResult> FollowAsync(string? after, double? wait, BucketCaller caller, BucketGrains grains, FeedSubscriptions subscriptions, IOptions<ChangeFeedOptions> options, TimeProvider time, HttpContext http)
    {
        var feed = options.Value;
        var text = after ?? (http.Request.Headers[LastEventIdHeader] is { Count: > 0 } id ? id.ToString() : null);
        long? afterSeq = null;
        if (text is not null)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.BadRequest("invalid-change", "'after' (or Last-Event-ID) must be a change number: 0 or more, digits only.");
            }

            afterSeq = parsed;
        }

        if (wait is { } seconds && (double.IsNaN(seconds) || seconds < 0 || seconds > feed.MaxWait.TotalSeconds))
        {
            return Problems.BadRequest("invalid-wait", $"'wait' must be 0 to {feed.MaxWait.TotalSeconds:0} seconds.");
        }

        var grain = grains.Get(caller.BucketId);
        // No number: from now on. A read above any number answers the latest one (and starts the bucket's window).
        afterSeq ??= (await grain.ReadChangesAsync(long.MaxValue, 1, TimeSpan.Zero)).LastSeq;
        if (wait is { } pollSeconds)
        {
            return await PollAsync(grain, afterSeq.Value, TimeSpan.FromSeconds(pollSeconds), feed);
        }

        using var lease = subscriptions.TryOpen(caller.BucketId, out var refusal);
        if (lease is null)
        {
            return Problems.TooManyRequests(refusal!);
        }

        await using var follower = new ChangeFollower(grain, afterSeq.Value, feed, time, http.RequestAborted);
        // The first answer tells whether the number can be served, so a bad one gets a problem, not a stream.
        var (more, first) = await follower.NextAsync(http.RequestAborted);
        if (!more && Refusal(follower) is { } refused)
        {
            return refused;
        }

        await StreamAsync(http, follower, more ? first : null, more, afterSeq.Value, feed);
        return TypedResults.Empty;
    }

    private static async Task<IResult> PollAsync(IBucketGrain grain, long afterSeq, TimeSpan wait, ChangeFeedOptions feed)
    {
        var page = await grain.ReadChangesAsync(afterSeq, feed.PageChanges, wait);
        return page.Status switch
        {
            ChangePageStatus.TooOld => TooOld(page.OldestAfter),
            ChangePageStatus.Ahead => Ahead(page.LastSeq),
            ChangePageStatus.Unavailable => Problems.Unavailable("The backup server that keeps this bucket's older changes did not answer; retry shortly."),
            _ => TypedResults.Ok(new ChangePageResponse(
                [.. page.Changes.Select(change => Event(change, feed))],
                page.Changes.Count > 0 ? page.Changes[^1].Seq : afterSeq,
                page.LastSeq)),
        };
    }

    private static ProblemHttpResult? Refusal(ChangeFollower follower) => follower.End switch
    {
        FollowEnd.TooOld => TooOld(follower.ResumeAfter),
        FollowEnd.Ahead => Ahead(follower.ResumeAfter),
        _ => null,
    };

    private static async Task StreamAsync(HttpContext http, ChangeFollower follower, BucketChange? first, bool more, long afterSeq, ChangeFeedOptions feed)
    {
        http.Response.ContentType = EventStream;
        http.Response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold events back.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        using var writeAbort = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, follower.Aborted);
        var body = http.Response.Body;
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var last = afterSeq;
        try
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes($"retry: {(long)feed.RetryDelay.TotalMilliseconds}\n\n"), writeAbort.Token);
            var change = first;
            while (more)
            {
                var frame = change is null
                    ? ":\n\n"
                    : $"id: {change.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: change\ndata: {JsonSerializer.Serialize(Event(change, feed), json)}\n\n";
                await body.WriteAsync(Encoding.UTF8.GetBytes(frame), writeAbort.Token);
                if (change is not null)
                {
                    last = change.Seq;
                }

                await body.FlushAsync(writeAbort.Token);
                (more, change) = await follower.NextAsync(http.RequestAborted);
            }

            var reason = follower.End switch
            {
                FollowEnd.Overflow => "overflow",
                FollowEnd.TooOld => "history-gone",
                FollowEnd.Ahead => "change-ahead",
                _ => "closed",
            };
            var resume = follower.End is FollowEnd.TooOld or FollowEnd.Ahead ? follower.ResumeAfter : last;
            await body.WriteAsync(Encoding.UTF8.GetBytes($"event: end\ndata: {{\"reason\":\"{reason}\",\"resumeAfter\":{resume.ToString(CultureInfo.InvariantCulture)}}}\n\n"), http.RequestAborted);
            await body.FlushAsync(http.RequestAborted);
        }
        catch (OperationCanceledException) when (follower.Aborted.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            // Too slow to take even its own writes: dropped; its Last-Event-ID says where to resume.
            http.Abort();
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private static ProblemHttpResult TooOld(long oldestAfter) => Problems.Make(
        StatusCodes.Status410Gone,
        "history-gone",
        "Those changes are no longer kept.",
        $"The changes right after that number are kept neither in memory nor by the backup server. The oldest number to resume after is {oldestAfter}; read the bucket's entries for its state, then follow after {oldestAfter}.",
        new Dictionary<string, object?> { ["oldestAfter"] = oldestAfter });

    private static ProblemHttpResult Ahead(long lastChange) => Problems.Conflict(
        "change-ahead",
        $"That number is above the bucket's latest change, {lastChange}: it was never made, or the changes after {lastChange} were lost with a server before the backup stored them (a standard bucket). Follow after {lastChange}.",
        new Dictionary<string, object?> { ["lastChange"] = lastChange });

    private static ChangeEventResponse Event(BucketChange change, ChangeFeedOptions feed)
    {
        string? value = null;
        string? encoding = null;
        bool? tooLarge = null;
        if (change.Value is { } bytes)
        {
            tooLarge = bytes.Length > feed.MaxEventValueBytes;
            if (!tooLarge.Value)
            {
                var utf8 = System.Text.Unicode.Utf8.IsValid(bytes);
                value = utf8 ? Encoding.UTF8.GetString(bytes) : Convert.ToBase64String(bytes);
                encoding = utf8 ? "utf-8" : "base64";
            }
        }

        return new ChangeEventResponse(
            change.Seq,
            KindName(change.Kind),
            change.At,
            change.Key.Length > 0 ? change.Key : null,
            value,
            encoding,
            change.Value?.Length,
            tooLarge,
            change.ExpiresAt,
            change.Policy is { } policy ? PolicyDto.From(policy) : null);
    }

    private static string KindName(ChangeKind kind) => kind switch
    {
        ChangeKind.Set => "set",
        ChangeKind.Delete => "delete",
        ChangeKind.Expire => "expire",
        ChangeKind.Expired => "expired",
        ChangeKind.Clear => "clear",
        ChangeKind.Policy => "policy",
        ChangeKind.Restore => "restore",
        _ => "snapshot",
    };
}
