using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace Buckets.Hosting.Logging;

/// <summary>The Serilog set-up of both executables: a bootstrap logger, then the configured one.</summary>
public static class SerilogSetup
{
    private const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";
    private const string KestrelOverridingUrlsMessage = "Overriding address(es)";
    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Console logger used until configuration is read, so start-up failures are logged.</summary>
    public static void UseBootstrapLogger() => Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();

    /// <summary>
    /// Serilog from <c>Serilog</c> configuration, JSON lines when <c>Buckets:Logging:Json</c> is true.
    /// Serilog sits behind Microsoft.Extensions.Logging's own factory, which caches loggers per
    /// category (Serilog's factory builds one per CreateLogger call: measured allocations on every request).
    /// </summary>
    public static IHostApplicationBuilder AddBucketsLogging(this IHostApplicationBuilder builder)
    {
        var serilog = new LoggerConfiguration().ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext()
            .Filter.ByExcluding(IsKestrelOverridingUrls);
        Log.Logger = (builder.Configuration.GetValue<bool>("Buckets:Logging:Json")
            ? serilog.WriteTo.Console(new CompactJsonFormatter())
            : serilog.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")).CreateLogger();
        builder.Logging.ClearProviders().AddSerilog(Log.Logger);
        // Per-request hosting diagnostics create a log scope and an activity for every request
        // (about 0.7 KB, measured) once their logger is enabled at any level. The rule names the
        // Serilog provider: AddSerilog adds a provider rule (all categories at Trace), and a rule for
        // a provider beats every rule without one, so a plain AddFilter(category, None) never applies.
        builder.Logging.AddFilter<SerilogLoggerProvider>(HostingDiagnosticsCategory, LogLevel.None);
        return builder;
    }

    /// <summary>
    /// Kestrel's warning that endpoints set in code override <c>Urls</c>: HttpSurfaces listens in code on the
    /// public URLs too, so nothing is overridden and the warning, at every start, would only mislead.
    /// </summary>
    private static bool IsKestrelOverridingUrls(LogEvent e) =>
        e.Level == LogEventLevel.Warning
        && e.MessageTemplate.Text.StartsWith(KestrelOverridingUrlsMessage, StringComparison.Ordinal)
        && e.Properties.TryGetValue(Serilog.Core.Constants.SourceContextPropertyName, out var source)
        && source is ScalarValue { Value: string category }
        && category.StartsWith(KestrelCategory, StringComparison.Ordinal);
}
