using System.ComponentModel.DataAnnotations;

namespace Buckets.Resp;

/// <summary>The Redis-protocol listener of a silo. Bound from <c>Buckets:Resp</c>.</summary>
public sealed class RespOptions
{
    public const string SectionName = "Buckets:Resp";

    /// <summary>TCP port of the RESP listener; 0 turns it off (the default; development's appsettings set 6379).</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>Address the listener binds: an IP address, or <c>localhost</c>.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Longest inline command (a line typed without RESP framing) in bytes; Redis's default is 64 KiB.</summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxInlineBytes { get; set; } = 64 * 1024;

    /// <summary>Most arguments in one command (the array length), command name included.</summary>
    [Range(2, 1024 * 1024)]
    public int MaxArguments { get; set; } = 1024 * 1024;

    /// <summary>Most bytes of all arguments of one command together (default 16 MiB, the HTTP batch limit).</summary>
    [Range(1024, int.MaxValue)]
    public long MaxCommandBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Most commands of one connection read before their replies are written: a pipeline deeper than
    /// this is answered in parts. Also the most commands queued by MULTI.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPendingReplies { get; set; } = 1000;

    /// <summary>How long replies may wait for a client that does not read them before the connection is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Open RESP connections per silo; further ones get <c>-ERR max number of clients reached</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Most keys one KEYS reply may hold; past it KEYS answers an error that names SCAN.</summary>
    [Range(1, 10_000_000)]
    public int MaxKeysReply { get; set; } = 10_000;

    /// <summary>Optional TLS: a PEM certificate file (with <see cref="TlsKeyPath"/>); empty serves plain TCP.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }
}
