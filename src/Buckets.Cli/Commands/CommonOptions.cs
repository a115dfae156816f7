using System.CommandLine;
using System.Globalization;

namespace Buckets.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary>The development silo's internal URL, where commands go when no <c>--server</c> is given.</summary>
    public static readonly Uri DefaultServer = new("http://127.0.0.1:5082");

    public static Option<Uri> Server() => new("--server")
    {
        Description = "Internal (admin) URL of a Buckets silo, Buckets:Http:InternalUrls, e.g. http://127.0.0.1:5082",
        DefaultValueFactory = _ => DefaultServer,
        // System.CommandLine has no built-in Uri conversion: without this any --server fails to parse.
        CustomParser = result => Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri) ? uri : FailUri(result),
    };

    public static Option<string> AdminToken() => new("--admin-token")
    {
        Description = "The admin token (default: the BUCKETS_ADMIN_TOKEN environment variable)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BUCKETS_ADMIN_TOKEN") ?? "",
    };

    public static Option<long?> Seq() => new("--seq") { Description = "Stop at this change number (inclusive)" };

    public static Option<DateTimeOffset?> At() => new("--at")
    {
        Description = "Stop at this UTC time (ISO 8601, e.g. 2026-11-25T00:31:09Z)",
        CustomParser = result => DateTimeOffset.TryParse(result.Tokens[0].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : Fail(result),
    };

    private static Uri FailUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"'{result.Tokens[0].Value}' is not an absolute URL such as http://127.0.0.1:5082.");
        return new Uri("http://127.0.0.1:5082");
    }

    private static DateTimeOffset? Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"'{result.Tokens[0].Value}' is not an ISO 8601 time.");
        return null;
    }
}
