using System.Net;

namespace Buckets.Client;

/// <summary>412: the entry's version is not the one asked for (If-Match), or it exists although creation only was asked for.</summary>
public sealed class PreconditionFailedException(string? title, string? detail)
    : BucketsApiException(HttpStatusCode.PreconditionFailed, BucketsProblems.TypeBase + "precondition-failed", title, detail);
