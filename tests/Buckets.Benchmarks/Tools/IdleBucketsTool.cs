using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Buckets.Core.Security;
using Buckets.Hosting.Security;

namespace Buckets.Benchmarks.Tools;

/// <summary>
/// <c>tool idle-buckets</c>: activates up to <c>--count</c> buckets with one <c>PUT</c> of a
/// <c>--value-bytes</c> entry each, for the "memory per active idle bucket" figure. API keys
/// (<c>{prefix}000000</c>...) are minted offline with <c>--cluster-secret</c>, so the server sees only
/// the PUTs. Stops at <c>--max-seconds</c> and reports how many buckets it activated, so the caller
/// divides by what was really done. Prints one <c>RESULT activated=N failed=F seconds=S</c> line.
/// Loopback only.
/// </summary>
public static class IdleBucketsTool
{
    public static async Task<int> RunAsync(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = new Uri(args.Text("url"));
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            Console.Error.WriteLine("idle-buckets: only 127.0.0.1 / [::1] URLs are allowed.");
            return 2;
        }

        // The cluster secret signs as key id 0; these buckets were never revoked, so serial 0.
        var authority = new ApiKeyAuthority([new SigningKey(ApiKeyAuthority.LegacyKeyId, SecretRules.Decode(args.Text("cluster-secret")))], ApiKeyAuthority.LegacyKeyId);
        var count = args.Number("count", 100_000);
        var valueBytes = args.Number("value-bytes", 32);
        var parallel = args.Number("parallel", 32);
        var prefix = args.Text("id-prefix", "idle-");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(args.Number("max-seconds", 120)));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = parallel };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        long activated = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = deadline.Token }, async (b, token) =>
            {
                var id = prefix + b.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/keys/" + Dataset.Key(0))
                {
                    Content = new ByteArrayContent(Dataset.ValueBytes(b, valueBytes)),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", authority.Mint(id, serial: 0));
                using var response = await http.SendAsync(request, token);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref activated : ref failed);
            });
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The time bound was reached: report what was done so far.
        }

        Console.WriteLine($"RESULT activated={activated} failed={failed} seconds={clock.Elapsed.TotalSeconds:F1}");
        return failed == 0 && activated > 0 ? 0 : 1;
    }
}
