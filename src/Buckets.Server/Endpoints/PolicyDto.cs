using Buckets.Abstractions;
using Buckets.Contracts.Http;
using Buckets.Core;

namespace Buckets.Server.Endpoints;

/// <summary>Converts bucket policies between the wire (lower-case names) and the grain contract.</summary>
internal static class PolicyDto
{
    public const int MaxBodyBytes = 4096;

    public static BucketPolicyDto From(BucketPolicy policy) =>
        new(policy.Durability.ToString().ToLowerInvariant(), policy.DefaultTtlSeconds);

    /// <summary>Returns why the policy is invalid, or <c>null</c> with <paramref name="policy"/> set.</summary>
    public static string? TryParse(BucketPolicyDto? dto, LimitsOptions limits, out BucketPolicy? policy)
    {
        policy = null;
        if (dto?.Durability is null || !TryParseDurability(dto.Durability, out var durability))
        {
            return "'durability' must be 'cache', 'standard' or 'critical'.";
        }

        if (dto.DefaultTtlSeconds is { } ttl && KeyRules.ValidateTtl(ttl, limits.MaxTtlSeconds) is { } error)
        {
            return "'defaultTtlSeconds': " + error;
        }

        policy = new BucketPolicy(durability, dto.DefaultTtlSeconds);
        return null;
    }

    private static bool TryParseDurability(string text, out Durability durability)
    {
        durability = text.ToLowerInvariant() switch
        {
            "cache" => Durability.Cache,
            "standard" => Durability.Standard,
            "critical" => Durability.Critical,
            _ => (Durability)(-1),
        };
        return Enum.IsDefined(durability);
    }
}
