using System.Net;
using Buckets.Contracts.Http;

namespace Buckets.Client;

/// <summary>409 <c>batch-not-applied</c>: no operation of the batch was applied; <see cref="Results"/> says which one failed and why.</summary>
public sealed class BatchNotAppliedException(string? title, string? detail, IReadOnlyList<BatchOperationResponse> results)
    : BucketsApiException(HttpStatusCode.Conflict, BucketsProblems.TypeBase + "batch-not-applied", title, detail)
{
    /// <summary>One result per operation, in request order (<c>not-attempted</c> for those after the failure).</summary>
    public IReadOnlyList<BatchOperationResponse> Results { get; } = results;
}
