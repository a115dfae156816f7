using Buckets.Backup;
using Buckets.Backup.Status;
using Buckets.Hosting.Logging;
using OpenTelemetry.Metrics;
using Serilog;

SerilogSetup.UseBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddBucketsLogging();
    builder.Services.AddProblemDetails();
    builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(BackupMetrics.MeterName, "Microsoft.AspNetCore.Hosting").AddPrometheusExporter());
    builder.AddBackupServer();

    var app = builder.Build();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.MapBackupServer();
    app.MapPrometheusScrapingEndpoint("/metrics");
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The backup server failed to start: {Reason}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
