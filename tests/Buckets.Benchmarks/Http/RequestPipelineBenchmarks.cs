using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Microsoft.AspNetCore.Builder;
using Perfolizer.Metrology;

namespace Buckets.Benchmarks.Http;

/// <summary>
/// One HTTP request through the whole server, over loopback, one at a time: Buckets (development
/// profile, backups on with the in-process backup service, real Kestrel, silo and grain) against the
/// bare-Kestrel ceiling (tests/Buckets.Baseline) in the same process. The client
/// (<see cref="RawHttpConnection"/>) allocates nothing per request, so "Allocated" is what the
/// server allocates per request on every thread (BenchmarkDotNet counts the whole process), the
/// backup pulls that follow PUTs included. 16-byte keys and 32-byte values as in the load script;
/// GETs hit, PUTs replace a live entry (204). "1000 buckets" signs each request with one of 1,000 API keys.
/// Run in process (the servers start once): <c>--filter "*RequestPipeline*" --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BytesConfig))]
public class RequestPipelineBenchmarks
{
    private const int KeySpace = 1000;
    private const int ManyBuckets = 1000;
    private const string Value = "v000000000001-abcdefghijklmnopqr";

    // One pair of servers per process, started by the first benchmark's setup and kept until the
    // process exits: run in process (--inProcess), every benchmark of the class shares them.
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static Servers? _servers;
    private Servers _s = null!;
    private RawHttpConnection _bucketsConnection = null!;
    private RawHttpConnection _baselineConnection = null!;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await Starting.WaitAsync();
        try
        {
            _s = _servers ??= await Servers.StartAsync();
        }
        finally
        {
            Starting.Release();
        }

        // Fresh connections per benchmark: Kestrel closes one left idle past its keep-alive timeout
        // while the other benchmarks run.
        _bucketsConnection = await RawHttpConnection.ConnectAsync(_s.BucketsPort);
        _baselineConnection = await RawHttpConnection.ConnectAsync(_s.BaselinePort);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bucketsConnection.Dispose();
        _baselineConnection.Dispose();
    }

    [Benchmark(Description = "GET, 1 bucket")]
    public ValueTask<int> Get() => SendAsync(_bucketsConnection, _s.GetOne, 200);

    [Benchmark(Description = "PUT standard, backups on, 1 bucket")]
    public ValueTask<int> Put() => SendAsync(_bucketsConnection, _s.PutOne, 204);

    [Benchmark(Description = "GET, 1000 buckets")]
    public ValueTask<int> GetManyBuckets() => SendAsync(_bucketsConnection, _s.GetMany, 200);

    [Benchmark(Description = "PUT standard, backups on, 1000 buckets")]
    public ValueTask<int> PutManyBuckets() => SendAsync(_bucketsConnection, _s.PutMany, 204);

    [Benchmark(Description = "GET, bare Kestrel")]
    public ValueTask<int> GetBaseline() => SendAsync(_baselineConnection, _s.GetBaseline, 200);

    [Benchmark(Description = "PUT, bare Kestrel")]
    public ValueTask<int> PutBaseline() => SendAsync(_baselineConnection, _s.PutBaseline, 204);

    private async ValueTask<int> SendAsync(RawHttpConnection connection, byte[][] requests, int expected)
    {
        var status = await connection.SendAsync(requests[_next++ % KeySpace]);
        return status == expected ? status : throw new InvalidOperationException($"Expected {expected}, got {status}.");
    }

    private static string KeyOf(int i) => "key:" + i.ToString("D12", CultureInfo.InvariantCulture);

    private static byte[][] Build(Func<int, byte[]> request) => [.. Enumerable.Range(0, KeySpace).Select(request)];

    // The request shape of tests/load/wrk/keys.lua.
    private static byte[] Request(string method, string key, string? bearer)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} /v1/keys/{key} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (bearer is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {bearer}\r\n");
        }

        if (method == "PUT")
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: application/octet-stream\r\nContent-Length: {Value.Length}\r\n\r\n{Value}");
        }
        else
        {
            head.Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(head.ToString());
    }

    private sealed record Servers(
        WebApplication App, int BucketsPort, int BaselinePort,
        byte[][] GetOne, byte[][] PutOne, byte[][] GetMany, byte[][] PutMany, byte[][] GetBaseline, byte[][] PutBaseline)
    {
        public static async Task<Servers> StartAsync()
        {
            var dataDirectory = Path.Combine(Path.GetTempPath(), "buckets-pipeline-bench-" + Guid.NewGuid().ToString("N"));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dataDirectory, recursive: true);
            var bucketsPort = PipelineHosts.FreePort();
            var app = await PipelineHosts.StartBucketsAsync(bucketsPort, dataDirectory, "InProcess");
            var baselinePort = PipelineHosts.FreePort();
            await PipelineHosts.StartBaselineAsync(baselinePort);

            var apiKeys = await PipelineHosts.MintKeysAsync(bucketsPort, ManyBuckets + 1);
            var one = apiKeys[ManyBuckets];
            var servers = new Servers(
                app,
                bucketsPort,
                baselinePort,
                Build(i => Request("GET", KeyOf(i), one)),
                Build(i => Request("PUT", KeyOf(i), one)),
                Build(i => Request("GET", KeyOf(i), apiKeys[i % ManyBuckets])),
                Build(i => Request("PUT", KeyOf(i), apiKeys[i % ManyBuckets])),
                Build(i => Request("GET", KeyOf(i), bearer: null)),
                Build(i => Request("PUT", KeyOf(i), bearer: null)));
            // Every key exists before the first GET: the PUTs create it (201) in each bucket.
            foreach (var (port, puts) in new[] { (bucketsPort, servers.PutOne), (bucketsPort, servers.PutMany), (baselinePort, servers.PutBaseline) })
            {
                using var connection = await RawHttpConnection.ConnectAsync(port);
                foreach (var put in puts)
                {
                    var status = await connection.SendAsync(put);
                    if (status is not (201 or 204))
                    {
                        throw new InvalidOperationException($"Preloading answered {status}.");
                    }
                }
            }

            return servers;
        }
    }

    /// <summary>Allocations in bytes, not KB with two decimals: the changes measured here move tens of bytes.</summary>
    public sealed class BytesConfig : ManualConfig
    {
        public BytesConfig() => SummaryStyle = SummaryStyle.Default.WithSizeUnit(SizeUnit.B);
    }
}
