using Buckets.Hosting.Logging;
using Buckets.Server.Hosting;
using Serilog;

SerilogSetup.UseBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    await BucketsServer.Build(builder).RunAsync();
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
