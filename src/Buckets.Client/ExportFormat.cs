namespace Buckets.Client;

/// <summary>The format of <see cref="BucketsClient.ExportAsync"/>.</summary>
public enum ExportFormat
{
    /// <summary>One Englang snapshot (plain-English lines, text/plain).</summary>
    Englang,

    /// <summary>RFC 4180 CSV: <c>key,value,value_encoding,expires_at,last_change,last_changed_at</c>.</summary>
    Csv,
}
