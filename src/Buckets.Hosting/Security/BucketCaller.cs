using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Buckets.Hosting.Security;

/// <summary>The authenticated caller of a <c>/v1</c> endpoint: the bucket its API key names.</summary>
public sealed record BucketCaller(string BucketId)
{
    // A request feature, not an Items entry: Kestrel keeps a connection's extra features in a list it
    // clears and reuses per request, where Items made a dictionary, its arrays and the feature that
    // holds them for every request (about 230 B per PUT in a gc-verbose trace of a PUT load).
    public static void Set(HttpContext context, string bucketId) => context.Features.Set(new BucketCaller(bucketId));

    /// <summary>The caller authentication found, or <c>null</c> when the endpoint takes no API key.</summary>
    public static BucketCaller? Get(HttpContext context) => context.Features.Get<BucketCaller>();

    /// <summary>Minimal API binding: the authentication middleware has already run.</summary>
    public static ValueTask<BucketCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(Get(context));
}
