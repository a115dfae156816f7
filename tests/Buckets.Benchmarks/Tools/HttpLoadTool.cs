using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Buckets.Benchmarks.Tools;

/// <summary>
/// <c>tool load</c>: mints one API key per bucket through <c>POST /admin/keys</c> (ids
/// <c>{prefix}00000</c>...) and fills each bucket through <c>POST /v1/batch</c> with
/// <see cref="Dataset"/> entries (global index = bucket * per-bucket + i, or i in every bucket with
/// <c>--shared-keys 1</c>, so a wrk run that picks any API key and any key 0..per-bucket-1 always finds
/// it). <c>--durability critical</c> sets each bucket's policy first (<c>PUT /v1/bucket/policy</c>).
/// Writes the API keys, one per line, to <c>--keys-out</c>. Loopback only: refuses any URL whose host
/// is not a loopback address.
/// </summary>
public static class HttpLoadTool
{
    private const int MaxBatch = 1000;

    public static async Task<int> RunAsync(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = new Uri(args.Text("url"));
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            Console.Error.WriteLine("load: only 127.0.0.1 / [::1] URLs are allowed.");
            return 2;
        }

        var adminToken = args.Text("admin-token");
        var buckets = args.Number("buckets", 1);
        var perBucket = args.Number("per-bucket", 1000);
        var valueBytes = args.Number("value-bytes", 32);
        var parallel = args.Number("parallel", 8);
        var prefix = args.Text("id-prefix", "bench-");
        var keysOut = args.Optional("keys-out");
        var sharedKeys = args.Number("shared-keys", 0) == 1;
        var durability = args.Optional("durability");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = parallel, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        var keys = new string[buckets];
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, buckets, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (b, token) =>
        {
            var id = prefix + b.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            keys[b] = await MintAsync(http, adminToken, id, token);
            if (durability is not null && !await SetDurabilityAsync(http, keys[b], durability, token))
            {
                Interlocked.Increment(ref failures);
            }

            var firstIndex = sharedKeys ? 0 : (long)b * perBucket;
            for (var start = 0; start < perBucket; start += MaxBatch)
            {
                var count = Math.Min(MaxBatch, perBucket - start);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
                {
                    Content = new ByteArrayContent(BatchBody(firstIndex + start, count, valueBytes)),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys[b]);
                using var response = await http.SendAsync(request, token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                    Console.Error.WriteLine($"load: batch for bucket {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                }
            }
        });

        if (keysOut is not null)
        {
            await File.WriteAllLinesAsync(keysOut, keys);
        }

        Console.WriteLine($"loaded {(long)buckets * perBucket} entries into {buckets} buckets in {clock.Elapsed.TotalSeconds:F1} s ({failures} failed batches)");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<string> MintAsync(HttpClient http, string adminToken, string id, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/keys")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = id }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request, token);
        var body = await response.Content.ReadAsStringAsync(token);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Minting key {id} answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("apiKey").GetString()!;
    }

    private static async Task<bool> SetDurabilityAsync(HttpClient http, string apiKey, string durability, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/bucket/policy")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["durability"] = durability }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request, token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Console.Error.WriteLine($"load: setting durability {durability} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
        }

        return response.StatusCode == HttpStatusCode.OK;
    }

    private static byte[] BatchBody(long first, int count, int valueBytes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("operations");
            for (var i = 0; i < count; i++)
            {
                json.WriteStartObject();
                json.WriteString("op", "set");
                json.WriteString("key", Dataset.Key(first + i));
                json.WriteString("value", Dataset.Value(first + i, valueBytes));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
