namespace Buckets.Server.Security;

/// <summary>Endpoint metadata: the caller must present the admin token.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequireAdminTokenAttribute : Attribute;
