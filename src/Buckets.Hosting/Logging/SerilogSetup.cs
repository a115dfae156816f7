using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Formatting.Compact;

namespace Buckets.Hosting.Logging;

/// <summary>The Serilog set-up of both executables: a bootstrap logger, then the configured one.</summary>
public static class SerilogSetup
{
    /// <summary>Console logger used until configuration is read, so start-up failures are logged.</summary>
    public static void UseBootstrapLogger() => Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();

    /// <summary>
    /// Serilog from <c>Serilog</c> configuration, JSON lines when <c>Buckets:Logging:Json</c> is true.
    /// Serilog sits behind Microsoft.Extensions.Logging's own factory, which caches loggers per
    /// category (Serilog's factory builds one per CreateLogger call: measured allocations on every request).
    /// </summary>
    public static IHostApplicationBuilder AddBucketsLogging(this IHostApplicationBuilder builder)
    {
        var serilog = new LoggerConfiguration().ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
        Log.Logger = (builder.Configuration.GetValue<bool>("Buckets:Logging:Json")
            ? serilog.WriteTo.Console(new CompactJsonFormatter())
            : serilog.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")).CreateLogger();
        builder.Logging.ClearProviders().AddSerilog(Log.Logger);
        // Per-request hosting diagnostics create a log scope and an activity for every request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        return builder;
    }
}
