namespace Buckets.Server.Security;

/// <summary>Source-generated log messages of API-key authentication and revocation. Never a key's secret part.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(5001, LogLevel.Warning, "Could not read API-key revocations; API keys are refused once the last good read is older than {MaxStaleness}")]
    public static partial void RevocationRefreshFailed(ILogger logger, TimeSpan maxStaleness, Exception exception);

    [LoggerMessage(5002, LogLevel.Information, "Revoked the API keys of bucket {BucketId} below serial {FirstValidSerial}")]
    public static partial void KeysRevoked(ILogger logger, string bucketId, long firstValidSerial);

    [LoggerMessage(5003, LogLevel.Information, "API keys are signed with key id {SigningKeyId}; accepted key ids: {AcceptedKeyIds}; legacy keys accepted: {LegacyAccepted}")]
    public static partial void SigningKeys(ILogger logger, string signingKeyId, string acceptedKeyIds, bool legacyAccepted);
}
