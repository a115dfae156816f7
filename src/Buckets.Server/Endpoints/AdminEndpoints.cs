using System.Globalization;
using Buckets.Abstractions;
using Buckets.Contracts.Http;
using Buckets.Core.Security;
using Buckets.Hosting.Http;
using Buckets.Hosting.OpenApi;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Buckets.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Endpoints;

/// <summary><c>/admin</c>: operator endpoints behind the admin token.</summary>
public static class AdminEndpoints
{
    private const int MaxBodyBytes = 4096;

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").RequireAdminToken().WithTags("Admin");
        group.MapPost("/keys", MintKeyAsync)
            .WithSummary("Mint an API key")
            .WithDescription($"A random id, or the id asked for (1 to 64 of a-z, 0-9, '-', '_'). Minting an existing id again issues a key with the bucket's current serial. Body at most {MaxBodyBytes} bytes, may be empty.")
            .WithRequestBody<RouteHandlerBuilder, MintKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithRequestExample("""{"id":"alice"}""")
            .WithResponseExample(StatusCodes.Status201Created, """{"id":"alice","apiKey":"alice.0.0.q4Jb...","signingKeyId":"0","serial":0}""");
        group.MapPost("/keys/{id}/revoke", RevokeKeysAsync)
            .WithSummary("Revoke every key of a bucket issued so far")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/buckets/{bucketId}/restore", RestoreAsync)
            .WithSummary("Restore a bucket from its backup, at a change number or a point in time (latest when neither)")
            .WithDescription("The restore is recorded as a new change, so history goes on.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithParameterDescriptions(("seq", "Restore to the state after this change (inclusive)."), ("at", "Restore to the state at this ISO 8601 time, e.g. 2026-11-25T00:31:09Z."));
        return app;
    }

    /// <summary>Replaces a bucket's state with its backup at a sequence number or a point in time (latest when neither).</summary>
    private static async Task<Results<Ok<RestoreResponse>, ProblemHttpResult>> RestoreAsync(string bucketId, string? seq, string? at, BucketGrains grains)
    {
        if (!ApiKeyAuthority.IsValidId(bucketId))
        {
            return Problems.BadRequest("invalid-id", "A bucket id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
        }

        long? atSeq = null;
        DateTimeOffset? atTime = null;
        if (seq is not null && at is not null)
        {
            return Problems.BadRequest("invalid-restore-point", "Give either 'seq' or 'at', not both.");
        }

        if (seq is not null)
        {
            if (!long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return Problems.BadRequest("invalid-restore-point", "'seq' must be a positive whole number.");
            }

            atSeq = parsed;
        }

        if (at is not null)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return Problems.BadRequest("invalid-restore-point", "'at' must be an ISO 8601 time such as 2026-11-25T00:31:09Z.");
            }

            atTime = parsed;
        }

        var result = await grains.Get(bucketId).RestoreAsync(atSeq, atTime);
        return result.Outcome switch
        {
            RestoreOutcome.Restored => TypedResults.Ok(new RestoreResponse(bucketId, atSeq, atTime, result.NewSeq)),
            RestoreOutcome.NoBackup => Problems.NotFound(result.Detail ?? $"No backup of bucket {bucketId}."),
            RestoreOutcome.PointNotKept => Problems.BackupHistoryGone(result.Detail ?? ""),
            _ => Problems.BackupDamaged(result.Detail ?? ""),
        };
    }

    private static async Task<Results<Created<MintKeyResponse>, ProblemHttpResult>> MintKeyAsync(ApiKeyAuthority authority, IRevocationStore revocations, HttpContext http)
    {
        var (request, problem) = await JsonBody.ReadAsync<MintKeyRequest>(http, MaxBodyBytes, "key request", allowEmpty: true);
        if (problem is not null)
        {
            return problem;
        }

        var id = request?.Id ?? ApiKeyAuthority.NewId();
        if (!ApiKeyAuthority.IsValidId(id))
        {
            return Problems.BadRequest("invalid-id", "A key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
        }

        // Read from the store, not this silo's copy: a key minted from a copy one refresh behind a
        // revocation would be born revoked.
        var serial = await revocations.FirstValidSerialAsync(id, http.RequestAborted);
        return TypedResults.Created($"/v1/bucket", new MintKeyResponse(id, authority.Mint(id, serial), authority.CurrentKeyId, serial));
    }

    /// <summary>Revokes every key of the bucket issued so far; the next mint for it issues a key that works.</summary>
    private static async Task<Results<Ok<RevokeKeyResponse>, ProblemHttpResult>> RevokeKeysAsync(
        string id,
        IRevocationStore store,
        RevocationList revocations,
        IOptions<ApiKeyOptions> options,
        ILogger<ApiKeyValidator> logger,
        CancellationToken cancellationToken)
    {
        if (!ApiKeyAuthority.IsValidId(id))
        {
            return Problems.BadRequest("invalid-id", "A key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
        }

        var revocation = await store.RevokeAsync(id, cancellationToken);
        revocations.Apply(revocation);
        SecurityLog.KeysRevoked(logger, id, revocation.FirstValidSerial);
        return TypedResults.Ok(new RevokeKeyResponse(id, revocation.FirstValidSerial, revocation.RevokedAt, options.Value.RevocationRefreshInterval.TotalSeconds));
    }
}
