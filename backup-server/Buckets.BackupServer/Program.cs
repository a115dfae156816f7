using Buckets.Backup;
using Buckets.Backup.Status;
using Buckets.Hosting;
using Buckets.Hosting.Logging;
using Serilog;

SerilogSetup.UseBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddBucketsLogging();
    builder.AddBackupServer().AddBucketsMetrics(BackupMetrics.MeterName);

    var app = builder.Build();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseBucketsEndpointGuard();
    app.MapBackupServer();
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
