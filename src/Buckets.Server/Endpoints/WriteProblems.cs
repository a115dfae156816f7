using Buckets.Abstractions;
using Buckets.Hosting.Http;

namespace Buckets.Server.Endpoints;

/// <summary>Maps a refused write to its problem answer.</summary>
internal static class WriteProblems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult For(WriteOutcome outcome, string key) => outcome switch
    {
        WriteOutcome.NotFound => Problems.NotFound($"The bucket has no live entry '{key}'."),
        WriteOutcome.VersionMismatch => Problems.PreconditionFailed($"The entry '{key}' does not have the version given in If-Match."),
        WriteOutcome.AlreadyExists => Problems.PreconditionFailed($"The entry '{key}' already exists (If-None-Match: *)."),
        WriteOutcome.BucketFull => Problems.Conflict("bucket-full", "The bucket holds its maximum number of entries or bytes; delete entries or raise Buckets:Limits."),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a refusal."),
    };

    /// <summary>The wire name of an outcome in batch results.</summary>
    public static string Name(WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.Created => "created",
        WriteOutcome.Replaced => "replaced",
        WriteOutcome.Deleted => "deleted",
        WriteOutcome.NotFound => "not-found",
        WriteOutcome.VersionMismatch => "version-mismatch",
        WriteOutcome.AlreadyExists => "already-exists",
        WriteOutcome.BucketFull => "bucket-full",
        _ => "not-attempted",
    };
}
