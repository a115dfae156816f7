using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Buckets.Benchmarks.Tools;

/// <summary>
/// <c>tool put</c>: <c>PUT {url}{path-prefix}{key}</c> of <see cref="Dataset"/> entries 0..count-1,
/// e.g. to pre-load the baseline app before a GET run. Loopback only.
/// </summary>
public static class HttpPutTool
{
    public static async Task<int> RunAsync(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = new Uri(args.Text("url"));
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            Console.Error.WriteLine("put: only 127.0.0.1 / [::1] URLs are allowed.");
            return 2;
        }

        var count = args.Number("count", 10_000);
        var valueBytes = args.Number("value-bytes", 32);
        var parallel = args.Number("parallel", 16);
        var prefix = args.Text("path-prefix", "/v1/keys/");
        var bearer = args.Optional("bearer");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = parallel };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, prefix + Dataset.Key(i))
            {
                Content = new ByteArrayContent(Dataset.ValueBytes(i, valueBytes)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await http.SendAsync(request, token);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Console.WriteLine($"put {count} keys in {clock.Elapsed.TotalSeconds:F1} s ({failures} failed)");
        return failures == 0 ? 0 : 1;
    }
}
