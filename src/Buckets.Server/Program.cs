using Buckets.Server.Hosting;
using Buckets.Server.Security;
using Serilog;
using Serilog.Formatting.Compact;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    // Serilog behind Microsoft.Extensions.Logging's own factory, which caches loggers per category
    // (Serilog's factory builds one per CreateLogger call: measured allocations on every request).
    var serilog = new LoggerConfiguration().ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
    Log.Logger = (builder.Configuration.GetValue<bool>("Buckets:Logging:Json")
        ? serilog.WriteTo.Console(new CompactJsonFormatter())
        : serilog.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")).CreateLogger();
    builder.Logging.ClearProviders().AddSerilog(Log.Logger);
    // Per-request hosting diagnostics create a log scope and an activity for every request.
    builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    builder.AddBucketsSecurity().AddBucketsSilo().AddBucketsApi().AddBucketsMetrics();

    var app = builder.Build();
    app.MapBucketsApi().MapBucketsMetrics();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "Buckets failed to start: {Reason}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point, public so tests can host the real pipeline with WebApplicationFactory.</summary>
public partial class Program;
