using System.ComponentModel.DataAnnotations;

namespace Buckets.Client;

/// <summary>Where a <see cref="BucketsClient"/> or <see cref="BucketsAdminClient"/> connects and how it retries.</summary>
public sealed class BucketsClientOptions
{
    /// <summary>The API's base address: the public port (e.g. <c>http://127.0.0.1:5080/</c>) for tenants, the internal port for admins.</summary>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>The bearer token: the bucket's API key, or the admin token for <see cref="BucketsAdminClient"/>. Never logged.</summary>
    [Required]
    public string? Token { get; set; }

    /// <summary>Retries of a 503 that carries Retry-After (the bucket is loading, the server is low on memory or busy; nothing was applied). Default 3; 0 turns retries off.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The longest wait the client accepts from a Retry-After before giving up. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one attempt. Default 100 s (HttpClient's own default).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
