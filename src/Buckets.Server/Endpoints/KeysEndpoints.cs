using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Buckets.Abstractions;
using Buckets.Contracts.Http;
using Buckets.Core;
using Buckets.Hosting.Http;
using Buckets.Hosting.OpenApi;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Buckets.Server.Endpoints;

/// <summary><c>/v1/keys</c>: read, write, delete and list the entries of the caller's bucket.</summary>
public static class KeysEndpoints
{
    private const int DefaultListLimit = 100;
    private const string TtlHeader = "X-TTL";
    private const string OctetStream = "application/octet-stream";
    private const string PlainUtf8 = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapKeysEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>();
        var limits = options.Value;
        // The hot path's handlers get their singletons from here, once, not from the request's
        // services, and the caller straight from the gate: resolving per request creates a service
        // scope (about 260 B) and a parameter bound with BindAsync wraps the handler in one more
        // state machine (about 240 B), measured with RequestPipelineBenchmarks.
        var grains = app.ServiceProvider.GetRequiredService<BucketGrains>();
        var time = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var bodies = app.ServiceProvider.GetRequiredService<BodyReader>();
        var key = ("key", $"The entry key: 1 to {limits.MaxKeyBytes} UTF-8 bytes, no control characters; may contain '/'. URL-encode what needs it.");
        var group = app.MapGroup("/v1/keys").RequireApiKey().WithTags("Keys").WithTenantProblems();
        group.MapGet("", ListAsync)
            .WithSummary("List keys by prefix, one page at a time")
            .WithDescription("Keys in UTF-8 byte order (Unicode code points). Pass nextCursor back as cursor for the next page; it is null on the last page.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithParameterDescriptions(
                ("prefix", $"Only keys that start with this text (at most {limits.MaxKeyBytes} UTF-8 bytes)."),
                ("limit", $"Keys per page, 1 to {limits.MaxListLimit}; default {Math.Min(DefaultListLimit, limits.MaxListLimit)}."),
                ("cursor", "The nextCursor of the previous page."))
            .WithResponseExample(StatusCodes.Status200OK, """{"keys":["cart","session"],"nextCursor":"c2Vzc2lvbg"}""");
        group.MapGet("/{**key}", (string? key, HttpContext http) => GetAsync(key, Caller(http), grains, options, time, http))
            .WithSummary("Read an entry")
            .WithDescription("The value is the body: text/plain when it is valid UTF-8, else application/octet-stream. An expired entry is never returned.")
            .Produces<byte[]>(StatusCodes.Status200OK, "text/plain", "application/octet-stream")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The entry's version, e.g. \"42\"; send it back as If-Match or If-None-Match.")
            .WithResponseHeader(StatusCodes.Status200OK, TtlHeader, "Whole seconds until the entry expires (absent when it never does).")
            .WithResponseHeader(StatusCodes.Status200OK, "Expires", "When the entry expires, as an HTTP date.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithParameterDescriptions(key);
        group.MapPut("/{**key}", (string? key, string? ttl, HttpContext http) => PutAsync(key, ttl, Caller(http), grains, options, bodies, http))
            .WithSummary("Write an entry")
            .WithDescription($"The body is the value (at most {limits.MaxValueBytes} bytes). If-Match: \"N\" writes only over version N; If-None-Match: * creates only. Fails with 409 bucket-full past {limits.MaxEntriesPerBucket} entries or {limits.MaxBytesPerBucket} bytes.")
            .WithRequestBody<RouteHandlerBuilder, string>("text/plain", "application/octet-stream")
            .Produces(StatusCodes.Status201Created)
            .Produces(StatusCodes.Status204NoContent)
            .WithResponseHeader(StatusCodes.Status201Created, "ETag", "The new version.")
            .WithResponseHeader(StatusCodes.Status204NoContent, "ETag", "The new version.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithParameterDescriptions(key, ("ttl", $"Seconds until the entry expires, 1 to {limits.MaxTtlSeconds}; the bucket's default TTL when omitted."));
        group.MapDelete("/{**key}", (string? key, HttpContext http) => DeleteAsync(key, Caller(http), grains, options, http))
            .WithSummary("Delete an entry")
            .WithDescription("If-Match: \"N\" deletes only version N.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithParameterDescriptions(key);
        return app;
    }

    private static async Task<Results<EntryValueHttpResult, FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetAsync(string? key, BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> limits, TimeProvider time, HttpContext http)
    {
        key = KeyFromRawTarget(http, key);
        if (KeyRules.Validate(key, limits.Value.MaxKeyBytes) is { } error)
        {
            return Problems.BadRequest("invalid-key", error);
        }

        var entry = await grains.ReadAsync(caller.BucketId, key!);
        if (entry is null)
        {
            return Problems.NotFound($"The bucket has no live entry '{key}'.");
        }

        var headers = http.Response.Headers;
        var etag = EntityTags.Format(entry.Version);
        headers.ETag = etag;
        if (entry.ExpiresAt is { } expiresAt)
        {
            var remaining = expiresAt - time.GetUtcNow();
            headers[TtlHeader] = Math.Max(1, (long)Math.Ceiling(remaining.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            headers.Expires = expiresAt.ToString("R", CultureInfo.InvariantCulture);
        }

        // Parsed only when sent: the typed headers, the tag and the closure cost about 170 B per GET.
        if (http.Request.Headers.IfNoneMatch.Count > 0 && IfNoneMatchHits(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var contentType = Utf8.IsValid(entry.Value) ? "text/plain; charset=utf-8" : "application/octet-stream";
        return EntryValueHttpResult.Suits(http.Request)
            ? new EntryValueHttpResult(entry.Value, contentType)
            : TypedResults.Bytes(entry.Value, contentType);
    }

    private static bool IfNoneMatchHits(HttpRequest request, string etag)
    {
        var current = new EntityTagHeaderValue(etag);
        return request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    private static async Task<Results<BodilessHttpResult, ProblemHttpResult>> PutAsync(string? key, string? ttl, BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> options, BodyReader bodies, HttpContext http)
    {
        key = KeyFromRawTarget(http, key);
        var limits = options.Value;
        if (KeyRules.Validate(key, limits.MaxKeyBytes) is { } keyError)
        {
            return Problems.BadRequest("invalid-key", keyError);
        }

        if (!TryParseTtl(ttl, limits, out var ttlSeconds, out var ttlProblem))
        {
            return ttlProblem!;
        }

        if (!TryParseContentType(http.Request.ContentType, out var isText))
        {
            return Problems.UnsupportedMediaType("Send the value as 'text/plain; charset=utf-8' or 'application/octet-stream'.");
        }

        if (!TryParsePreconditions(http.Request.Headers, out var ifVersion, out var createOnly, out var preconditionProblem))
        {
            return preconditionProblem!;
        }

        byte[] value;
        using (var body = await bodies.ReadAsync(http.Request, limits.MaxValueBytes, http.RequestAborted))
        {
            if (Problems.Unread(body, http, "value", limits.MaxValueBytes) is { } unread)
            {
                return unread;
            }

            if (isText && !Utf8.IsValid(body.Span))
            {
                return Problems.BadRequest("invalid-value", "The body is declared text/plain but is not valid UTF-8; send binary values as application/octet-stream.");
            }

            value = body.ToArray();
        }

        var result = await grains.SetAsync(caller.BucketId, new SetCommand(key!, value, ttlSeconds, ifVersion, createOnly));
        if (result.Succeeded)
        {
            http.Response.Headers.ETag = EntityTags.Format(result.Version);
        }

        return result.Outcome switch
        {
            WriteOutcome.Created => BodilessHttpResult.Created("/v1/keys/" + string.Join('/', key!.Split('/').Select(Uri.EscapeDataString))),
            WriteOutcome.Replaced => BodilessHttpResult.NoContent,
            _ => WriteProblems.For(result.Outcome, key!),
        };
    }

    private static async Task<Results<BodilessHttpResult, ProblemHttpResult>> DeleteAsync(string? key, BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> limits, HttpContext http)
    {
        key = KeyFromRawTarget(http, key);
        if (KeyRules.Validate(key, limits.Value.MaxKeyBytes) is { } error)
        {
            return Problems.BadRequest("invalid-key", error);
        }

        if (!TryParsePreconditions(http.Request.Headers, out var ifVersion, out var createOnly, out var problem))
        {
            return problem!;
        }

        if (createOnly)
        {
            return Problems.BadRequest("invalid-precondition", "If-None-Match is not supported on DELETE.");
        }

        var result = await grains.DeleteAsync(caller.BucketId, key!, ifVersion);
        return result.Outcome == WriteOutcome.Deleted ? BodilessHttpResult.NoContent : WriteProblems.For(result.Outcome, key!);
    }

    private static async Task<Results<Ok<KeyListResponse>, ProblemHttpResult>> ListAsync(string? prefix, string? limit, string? cursor, BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        var pageSize = Math.Min(DefaultListLimit, limits.MaxListLimit);
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > limits.MaxListLimit))
        {
            return Problems.BadRequest("invalid-limit", $"The limit must be a whole number from 1 to {limits.MaxListLimit}.");
        }

        prefix ??= "";
        if (prefix.Length > 0 && KeyRules.Validate(prefix, limits.MaxKeyBytes) is { } prefixError)
        {
            return Problems.BadRequest("invalid-prefix", prefixError.Replace("key", "prefix", StringComparison.Ordinal));
        }

        string? after = null;
        if (!string.IsNullOrEmpty(cursor) && !TryDecodeCursor(cursor, limits.MaxKeyBytes, out after))
        {
            return Problems.BadRequest("invalid-cursor", "The cursor is not one returned by this endpoint.");
        }

        var page = await grains.Get(caller.BucketId).ListKeysAsync(prefix, after, pageSize);
        var next = page.NextAfter is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(page.NextAfter));
        return TypedResults.Ok(new KeyListResponse(page.Keys, next));
    }

    // RequireApiKey: the gate has set the caller before any of these handlers runs.
    private static BucketCaller Caller(HttpContext http) =>
        BucketCaller.Get(http) ?? throw new InvalidOperationException("The endpoint gate did not authenticate this /v1 request.");

    internal static string? KeyFromRawTarget(HttpContext http, string? routeKey)
    {
        var raw = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (routeKey is null || !routeKey.Contains('%', StringComparison.Ordinal) || string.IsNullOrEmpty(raw))
        {
            return routeKey;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        var start = path.IndexOf("/v1/keys/", StringComparison.OrdinalIgnoreCase);
        return start < 0 ? routeKey : Uri.UnescapeDataString(path[(start + "/v1/keys/".Length)..]);
    }

    private static bool TryDecodeCursor(string cursor, int maxKeyBytes, out string? after)
    {
        after = null;
        if (cursor.Length > Base64Url.GetEncodedLength(maxKeyBytes))
        {
            return false;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) != System.Buffers.OperationStatus.Done
            || !Utf8.IsValid(bytes.AsSpan(0, written)))
        {
            return false;
        }

        after = Encoding.UTF8.GetString(bytes, 0, written);
        return KeyRules.Validate(after, maxKeyBytes) is null;
    }

    internal static bool TryParseTtl(string? ttl, LimitsOptions limits, out long? ttlSeconds, out ProblemHttpResult? problem)
    {
        ttlSeconds = null;
        problem = null;
        if (ttl is null)
        {
            return true;
        }

        if (!long.TryParse(ttl, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || KeyRules.ValidateTtl(seconds, limits.MaxTtlSeconds) is not null)
        {
            problem = Problems.BadRequest("invalid-ttl", $"The ttl must be a whole number of seconds from 1 to {limits.MaxTtlSeconds}; got '{ttl}'.");
            return false;
        }

        ttlSeconds = seconds;
        return true;
    }

    private static bool TryParseContentType(string? header, out bool isText)
    {
        isText = false;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }

        // The two spellings clients send, answered as the parse below answers them without
        // allocating the parsed header (about 100 B per PUT).
        if (header.Equals(OctetStream, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (header.Equals(PlainUtf8, StringComparison.OrdinalIgnoreCase))
        {
            isText = true;
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(header, out var mediaType))
        {
            return false;
        }

        if (mediaType.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        isText = mediaType.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            && (!charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
        return isText;
    }

    private static bool TryParsePreconditions(IHeaderDictionary headers, out long? ifVersion, out bool createOnly, out ProblemHttpResult? problem)
    {
        ifVersion = null;
        createOnly = false;
        problem = null;
        var ifMatch = headers.IfMatch.ToString();
        var ifNoneMatch = headers.IfNoneMatch.ToString();
        if (ifMatch.Length > 0)
        {
            if (!EntityTags.TryParse(ifMatch, out var version))
            {
                problem = Problems.BadRequest("invalid-precondition", "If-Match must be one strong ETag such as \"42\".");
                return false;
            }

            ifVersion = version;
        }

        if (ifNoneMatch.Length > 0)
        {
            if (ifNoneMatch.Trim() != "*")
            {
                problem = Problems.BadRequest("invalid-precondition", "Only 'If-None-Match: *' (create only) is supported on writes.");
                return false;
            }

            createOnly = true;
        }

        return true;
    }
}
