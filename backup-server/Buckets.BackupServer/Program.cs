using Buckets.Backup;
using Buckets.Backup.Status;
using OpenTelemetry.Metrics;
using Serilog;
using Serilog.Formatting.Compact;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Services.AddSerilog((services, logger) =>
    {
        logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
        _ = builder.Configuration.GetValue<bool>("Buckets:Logging:Json")
            ? logger.WriteTo.Console(new CompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
    });
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
