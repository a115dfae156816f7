namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>A write that got a 2xx, and when.</summary>
public sealed record AcknowledgedWrite(ChaosBucket Bucket, string Key, string Value, DateTimeOffset AcknowledgedAt);
