using System.Net;

namespace Buckets.Client;

/// <summary>409 <c>bucket-full</c>: the write would pass the bucket's entry or byte limit; nothing was written.</summary>
public sealed class BucketFullException(string? title, string? detail)
    : BucketsApiException(HttpStatusCode.Conflict, BucketsProblems.TypeBase + "bucket-full", title, detail);
