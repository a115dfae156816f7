using BenchmarkDotNet.Running;
using Buckets.Benchmarks.Tools;

// Benchmarks, in Release: dotnet run -c Release --project tests/Buckets.Benchmarks -- --filter '*'
// Helper tools of tests/load/run-load.sh: dotnet Buckets.Benchmarks.dll tool <gen-log|gen-redis|replay|load|put|idle-buckets|map-memory|feed> --name value ...
if (args.Length > 0 && args[0] == "tool")
{
    var command = args.Length > 1 ? args[1] : "";
    var options = new ToolArgs(args.Length > 2 ? args[2..] : []);
    return command switch
    {
        "gen-log" => DataFileTools.GenerateLog(options),
        "gen-redis" => DataFileTools.GenerateRedis(options),
        "replay" => DataFileTools.TimeReplay(options),
        "load" => await HttpLoadTool.RunAsync(options),
        "put" => await HttpPutTool.RunAsync(options),
        "idle-buckets" => await IdleBucketsTool.RunAsync(options),
        "map-memory" => MapMemoryTool.Run(options),
        "feed" => await FeedTool.RunAsync(options),
        _ => Usage(),
    };
}

BenchmarkSwitcher.FromAssembly(typeof(ToolArgs).Assembly).Run(args);
return 0;

static int Usage()
{
    Console.Error.WriteLine("usage: Buckets.Benchmarks tool gen-log|gen-redis|replay|load|put|idle-buckets|map-memory|feed --name value ...");
    return 2;
}
