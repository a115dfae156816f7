using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;

namespace Buckets.Hosting.Security;

/// <summary>What a caller must present to reach an endpoint.</summary>
public enum Credential
{
    /// <summary>A tenant's API key; the request acts on the key's bucket (<see cref="BucketCaller"/>).</summary>
    ApiKey,

    /// <summary>The operators' admin token.</summary>
    AdminToken,

    /// <summary>The token silos and backup servers show each other.</summary>
    InternalToken,
}

/// <summary>Endpoint metadata: the credential the endpoint requires, checked before its body is read.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireCredentialAttribute(Credential credential) : Attribute
{
    public Credential Credential { get; } = credential;
}

/// <summary>Checks API keys; registered by the program that serves tenants (the silo).</summary>
public interface IApiKeyValidator
{
    /// <summary>True when <paramref name="apiKey"/> is valid, with the id of the bucket it opens.</summary>
    bool TryValidate(ReadOnlySpan<char> apiKey, [NotNullWhen(true)] out string? bucketId);
}

/// <summary>Endpoint conventions naming the credential and the surface (port) of an endpoint or group.</summary>
public static class CredentialConventions
{
    /// <summary>Tenant endpoints: an API key, served on the public surface.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireCredentialAttribute(Credential.ApiKey));

    /// <summary>Operator endpoints: the admin token, served only on the internal surface.</summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireCredentialAttribute(Credential.AdminToken), InternalSurfaceAttribute.Instance);

    /// <summary>Cluster-internal endpoints: the internal token, served only on the internal surface.</summary>
    public static TBuilder RequireInternalToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireCredentialAttribute(Credential.InternalToken), InternalSurfaceAttribute.Instance);

    /// <summary>An endpoint without a credential that only the cluster may reach (metrics).</summary>
    public static TBuilder OnInternalSurface<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(InternalSurfaceAttribute.Instance);
}

/// <summary>Endpoint metadata: served on the internal listener only (see <c>HttpSurfaces</c>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class InternalSurfaceAttribute : Attribute
{
    public static readonly InternalSurfaceAttribute Instance = new();
}

/// <summary>Endpoint metadata: the largest body the endpoint reads, refused (413) before any byte is read.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class MaxBodyAttribute(long bytes) : Attribute, Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}
