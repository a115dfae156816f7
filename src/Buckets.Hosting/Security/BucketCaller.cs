using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Buckets.Hosting.Security;

/// <summary>The authenticated caller of a <c>/v1</c> endpoint: the bucket its API key names.</summary>
public sealed record BucketCaller(string BucketId)
{
    private static readonly object ItemKey = new();

    public static void Set(HttpContext context, string bucketId) => context.Items[ItemKey] = new BucketCaller(bucketId);

    /// <summary>The caller authentication found, or <c>null</c> when the endpoint takes no API key.</summary>
    public static BucketCaller? Get(HttpContext context) => context.Items.TryGetValue(ItemKey, out var caller) ? caller as BucketCaller : null;

    /// <summary>Minimal API binding: the authentication middleware has already run.</summary>
    public static ValueTask<BucketCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(Get(context));
}
