namespace Buckets.Server.Security;

/// <summary>Endpoint metadata: the caller must present a valid API key.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireApiKeyAttribute : Attribute;
