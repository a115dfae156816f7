using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Buckets.Contracts.Http;
using Buckets.Core.Security;
using Buckets.Hosting.Security;

namespace Buckets.Benchmarks.Tools;

/// <summary>
/// <c>tool feed</c>: figures of the change feed against a running server on loopback, followed by
/// long polls (<c>GET /v1/changes?wait=</c>). <c>--mode fanout</c>: <c>--subscribers</c> readers of one
/// bucket while <c>--writers</c> PUT for <c>--seconds</c>; <c>--mode buckets</c>: one reader on each of
/// <c>--buckets</c> buckets, writes spread over them; both print events/s delivered and the latency
/// from a write's 2xx to its event (p50/p99). <c>--mode expiry</c>: <c>--entries</c> entries with TTLs
/// spread over <c>--spread-seconds</c> after <c>--delay-seconds</c>, then the lag of each
/// <c>expired</c> change behind its deadline, as recorded (its <c>at</c>) and as received. Bounded by
/// <c>--max-seconds</c>. Prints <c>RESULT</c> lines. API keys are minted offline with <c>--cluster-secret</c>.
/// </summary>
public static class FeedTool
{
    public static async Task<int> RunAsync(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = new Uri(args.Text("url"));
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            Console.Error.WriteLine("feed: only 127.0.0.1 / [::1] URLs are allowed.");
            return 2;
        }

        var authority = new ApiKeyAuthority([new SigningKey(ApiKeyAuthority.LegacyKeyId, SecretRules.Decode(args.Text("cluster-secret")))], ApiKeyAuthority.LegacyKeyId);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(args.Number("max-seconds", 300)));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 4096 };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        var prefix = args.Text("id-prefix", "feed-") + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-";
        return args.Text("mode") switch
        {
            "fanout" => await DeliveryAsync(http, [authority.Mint(prefix + "0", serial: 0)], args.Number("subscribers", 10), args, deadline.Token),
            "buckets" => await DeliveryAsync(http, [.. Enumerable.Range(0, args.Number("buckets", 1000)).Select(b => authority.Mint(prefix + b.ToString(CultureInfo.InvariantCulture), serial: 0))], 1, args, deadline.Token),
            "expiry" => await ExpiryAsync(http, authority.Mint(prefix + "x", serial: 0), args, deadline.Token),
            _ => 2,
        };
    }

    private static async Task<int> DeliveryAsync(HttpClient http, IReadOnlyList<string> keys, int perBucket, ToolArgs args, CancellationToken cancellationToken)
    {
        var seconds = args.Number("seconds", 10);
        var acked = keys.Select(_ => new ConcurrentDictionary<long, long>()).ToArray();
        var latencies = new ConcurrentBag<double>();
        long delivered = 0, writes = 0;
        var starts = new long[keys.Count];
        for (var b = 0; b < keys.Count; b++)
        {
            starts[b] = (await GetAsync<ChangePageResponse>(http, keys[b], "/v1/changes?wait=0", cancellationToken)).Next;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = Enumerable.Range(0, keys.Count * perBucket).Select(r => Task.Run(async () =>
        {
            var b = r % keys.Count;
            var after = starts[b];
            while (!stop.IsCancellationRequested)
            {
                ChangePageResponse page;
                try
                {
                    page = await GetAsync<ChangePageResponse>(http, keys[b], $"/v1/changes?after={after}&wait=5", stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                foreach (var change in page.Changes)
                {
                    Interlocked.Increment(ref delivered);
                    // A change received before its writer saw the 2xx counts as no latency: the 2xx is the start.
                    latencies.Add(acked[b].TryGetValue(change.Change, out var at) ? Stopwatch.GetElapsedTime(at, now).TotalMilliseconds : 0);
                }

                after = page.Next;
            }
        })).ToList();

        var clock = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, args.Number("writers", 8)).Select(w => Task.Run(async () =>
        {
            for (var i = w; clock.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested; i += 8)
            {
                var b = i % keys.Count;
                using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/keys/" + Dataset.Key(i % 100)) { Content = new ByteArrayContent(Dataset.ValueBytes(i)) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys[b]);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    acked[b][long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture)] = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref writes);
                }
            }
        })).ToList();
        await Task.WhenAll(writers);
        var expected = writes * perBucket;
        var drainClock = Stopwatch.StartNew();
        while (Interlocked.Read(ref delivered) < expected && drainClock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, cancellationToken);
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT buckets={keys.Count} subscribers={keys.Count * perBucket} writes={writes} delivered={delivered} expected={expected} seconds={elapsed:F1} events_per_s={delivered / elapsed:F0} latency_p50_ms={Percentile(sorted, 0.50):F1} latency_p99_ms={Percentile(sorted, 0.99):F1}"));
        return delivered == expected ? 0 : 1;
    }

    private static async Task<int> ExpiryAsync(HttpClient http, string key, ToolArgs args, CancellationToken cancellationToken)
    {
        var entries = args.Number("entries", 1_000_000);
        var delay = args.Number("delay-seconds", 30);
        var spread = args.Number("spread-seconds", 30);
        var load = Stopwatch.StartNew();
        const int Batch = 1000;
        await Parallel.ForAsync(0, (entries + Batch - 1) / Batch, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            var operations = Enumerable.Range(batch * Batch, Math.Min(Batch, entries - (batch * Batch)))
                .Select(i => new BatchRequestOperation("set", Dataset.Key(i), "v", Ttl: delay + (i % spread))).ToList();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = JsonContent.Create(new BatchRequest(operations)) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, token);
            response.EnsureSuccessStatusCode();
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LOADED entries={entries} seconds={load.Elapsed.TotalSeconds:F1}"));
        // Follow from here: the sets are older than the window may hold, and only the expiries matter.
        var after = (await GetAsync<ChangePageResponse>(http, key, "/v1/changes?wait=0", cancellationToken)).Next;

        var recorded = new List<double>(entries);
        var received = new List<double>(entries);
        var idle = Stopwatch.StartNew();
        while (recorded.Count < entries && idle.Elapsed < TimeSpan.FromSeconds(delay + spread + 30))
        {
            var page = await GetAsync<ChangePageResponse>(http, key, $"/v1/changes?after={after}&wait=5", cancellationToken);
            var now = DateTimeOffset.UtcNow;
            foreach (var change in page.Changes.Where(change => change.Kind == "expired" && change.ExpiresAt is not null))
            {
                recorded.Add((change.At - change.ExpiresAt!.Value).TotalMilliseconds);
                received.Add((now - change.ExpiresAt!.Value).TotalMilliseconds);
            }

            after = page.Next;
        }

        recorded.Sort();
        received.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT entries={entries} expired={recorded.Count} recorded_lag_p50_ms={Percentile(recorded, 0.5):F0} recorded_lag_p99_ms={Percentile(recorded, 0.99):F0} recorded_lag_max_ms={Percentile(recorded, 1):F0} received_lag_p50_ms={Percentile(received, 0.5):F0} received_lag_p99_ms={Percentile(received, 0.99):F0}"));
        return recorded.Count == entries ? 0 : 1;
    }

    private static async Task<T> GetAsync<T>(HttpClient http, string key, string uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
