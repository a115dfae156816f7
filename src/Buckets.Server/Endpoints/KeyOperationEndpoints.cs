using System.Globalization;
using System.Text.Unicode;
using Buckets.Abstractions.Commands;
using Buckets.Core;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Endpoints;

/// <summary>
/// <c>POST /v1/keys/{key}/{operation}</c>: the atomic operations the Redis protocol shares
/// (increment, append, set-range, exchange, take, rename), each one <see cref="Abstractions.IBucketGrain.RunAsync"/>
/// call. The operation is the last path segment, so keys may still contain '/'.
/// </summary>
public static class KeyOperationEndpoints
{
    public static IEndpointRouteBuilder MapKeyOperationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/keys/{**key}", PostAsync).RequireApiKey().WithTags("Keys");
        return app;
    }

    private static async Task<IResult> PostAsync(
        // Named as in the GET, PUT and DELETE routes: one path template for the OpenAPI document.
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "key")] string? target, string? by, string? offset, string? to, BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> options, BodyReader bodies, HttpContext http)
    {
        var path = KeysEndpoints.KeyFromRawTarget(http, target);
        var cut = path?.LastIndexOf('/') ?? -1;
        if (cut <= 0)
        {
            return Problems.BadRequest("invalid-operation", "POST needs /v1/keys/{key}/{operation}: increment, append, setrange, exchange, take or rename.");
        }

        var key = path![..cut];
        var operation = path[(cut + 1)..];
        var limits = options.Value;
        if (KeyRules.Validate(key, limits.MaxKeyBytes) is { } keyError)
        {
            return Problems.BadRequest("invalid-key", keyError);
        }

        KeyCommand command;
        switch (operation)
        {
            case "increment":
                if (by is not null && by.IndexOfAny(['.', 'e', 'E']) >= 0)
                {
                    if (!StringValues.TryParseFloat(by, out _))
                    {
                        return Problems.BadRequest("invalid-increment", "'by' must be an integer or a decimal number.");
                    }

                    command = new KeyCommand(KeyCommandKind.IncrementFloat, key, Amount: by);
                }
                else if (long.TryParse(by ?? "1", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
                {
                    command = new KeyCommand(KeyCommandKind.Increment, key, Number: amount);
                }
                else
                {
                    return Problems.BadRequest("invalid-increment", "'by' must be an integer or a decimal number.");
                }

                break;
            case "take":
                command = new KeyCommand(KeyCommandKind.GetDelete, key);
                break;
            case "rename":
                if (KeyRules.Validate(to, limits.MaxKeyBytes) is { } toError)
                {
                    return Problems.BadRequest("invalid-key", "'to': " + toError);
                }

                command = new KeyCommand(KeyCommandKind.Rename, key, Target: to);
                break;
            case "append" or "setrange" or "exchange":
                long position = 0;
                if (operation == "setrange" && (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out position) || position > limits.MaxValueBytes))
                {
                    return Problems.BadRequest("invalid-offset", $"'offset' must be a whole number from 0 to {limits.MaxValueBytes}.");
                }

                using (var body = await bodies.ReadAsync(http.Request, limits.MaxValueBytes, http.RequestAborted))
                {
                    if (Problems.Unread(body, http, "value", limits.MaxValueBytes) is { } unread)
                    {
                        return unread;
                    }

                    var value = body.ToArray();
                    command = operation switch
                    {
                        "append" => new KeyCommand(KeyCommandKind.Append, key, value),
                        "setrange" => new KeyCommand(KeyCommandKind.SetRange, key, value, Number: position),
                        _ => new KeyCommand(KeyCommandKind.Set, key, value, Flags: KeyConditions.ReturnOld),
                    };
                }

                break;
            default:
                return Problems.NotFound($"No operation '{operation}': use increment, append, setrange, exchange, take or rename.");
        }

        var reply = (await grains.Get(caller.BucketId).RunAsync([command]))![0];
        // An exchange with nothing before it still wrote its value.
        return operation == "exchange" && reply.Kind == KeyReplyKind.Null ? TypedResults.NoContent() : Result(reply, key);
    }

    /// <summary>The bucket's reply as HTTP: numbers and values as text, refusals as problems.</summary>
    private static IResult Result(KeyReply reply, string key) => reply.Kind switch
    {
        KeyReplyKind.Number => TypedResults.Text(reply.Number.ToString(CultureInfo.InvariantCulture)),
        KeyReplyKind.Bulk => TypedResults.Bytes(reply.Bytes!, Utf8.IsValid(reply.Bytes) ? "text/plain; charset=utf-8" : "application/octet-stream"),
        KeyReplyKind.Null => Problems.NotFound($"The bucket had no live entry '{key}'."),
        KeyReplyKind.Ok => TypedResults.NoContent(),
        _ => Refusal(reply.Error ?? "ERR", key),
    };

    private static ProblemHttpResult Refusal(string line, string key) =>
        line.StartsWith("OOM command not allowed when", StringComparison.Ordinal) ? Problems.MemoryPressure(line[4..])
        : line.StartsWith("OOM", StringComparison.Ordinal) ? Problems.Conflict("bucket-full", line[4..])
        : line == "ERR no such key" ? Problems.NotFound($"The bucket has no live entry '{key}'.")
        : Problems.Conflict("invalid-operation", line.StartsWith("ERR ", StringComparison.Ordinal) ? line[4..] : line);
}
