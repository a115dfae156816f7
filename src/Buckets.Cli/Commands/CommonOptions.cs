using System.CommandLine;
using System.Globalization;

namespace Buckets.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<Uri> Server() => new("--server")
    {
        Description = "Internal (admin) URL of a Buckets silo, Buckets:Http:InternalUrls, e.g. http://127.0.0.1:5082",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:5082"),
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

    private static DateTimeOffset? Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"'{result.Tokens[0].Value}' is not an ISO 8601 time.");
        return null;
    }
}
