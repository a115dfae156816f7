using System.ComponentModel.DataAnnotations;

namespace Buckets.Hosting.Http;

/// <summary>Listeners and connection limits of either program. Bound from <c>Buckets:Http</c>.</summary>
public sealed class HttpSurfaceOptions
{
    public const string SectionName = "Buckets:Http";

    /// <summary>
    /// Where <c>/internal</c>, <c>/admin</c> and <c>/metrics</c> are served (semicolon-separated http
    /// URLs, like <c>Urls</c>); they then answer 404 on the public <c>Urls</c>. Empty serves every
    /// endpoint on <c>Urls</c>, for a single-port set-up behind a firewall.
    /// </summary>
    public string? InternalUrls { get; set; }

    /// <summary>Open connections per process; further ones are closed at accept.</summary>
    [Range(1, long.MaxValue)]
    public long MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Slowest accepted upload, after <see cref="MinRequestBodyGracePeriod"/>: a client that trickles a
    /// body (Kestrel's default floor is 240 B/s) is cut off instead of holding a buffer for minutes.
    /// </summary>
    [Range(1, double.MaxValue)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 16 * 1024;

    /// <summary>How long a body may be slower than <see cref="MinRequestBodyBytesPerSecond"/> before it is cut off (Kestrel wants more than 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Request bytes buffered at once across the process; past it a body is refused with 503 and Retry-After.</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long MaxBufferedBodyBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Failed authentications one client address may make per <see cref="AuthFailureWindow"/> before it gets 429.</summary>
    [Range(1, int.MaxValue)]
    public int AuthFailureLimit { get; set; } = 50;

    /// <summary>The window of <see cref="AuthFailureLimit"/>, and how long an address that exceeded it waits.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromSeconds(10);
}
