using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;
using Buckets.Linearizability;

namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>
/// A bounded write load over buckets of every durability class, spread over all live silos, that
/// remembers every acknowledged write so losses can be counted after a crash, and records every
/// write and read with its invocation and response times so each key's history can be checked
/// for linearizability (<see cref="CheckHistory"/>).
/// </summary>
public sealed class ChaosWorkload(ClusterDeployment cluster, IReadOnlyList<ChaosBucket> buckets)
{
    public static readonly string[] Classes = ["cache", "standard", "critical"];
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentBag<AcknowledgedWrite> _acknowledged = [];
    private readonly ConcurrentDictionary<Uri, HttpClient> _clients = new();
    private readonly HashSet<AcknowledgedWrite> _accountedLost = [];
    private readonly HashSet<AcknowledgedWrite> _accountedAcknowledged = [];
    private readonly RegisterHistory _history = new();
    private int _writeRound;

    public IReadOnlyList<ChaosBucket> Buckets => buckets;

    public static async Task<ChaosWorkload> CreateAsync(ClusterDeployment cluster, int bucketsPerClass)
    {
        var buckets = new List<ChaosBucket>();
        var admin = cluster.Silo(0).CreateClient(Deployment.AdminToken);
        foreach (var durability in Classes)
        {
            for (var i = 0; i < bucketsPerClass; i++)
            {
                var key = (await (await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null))).Content.ReadFromJsonAsync<MintKeyResponse>())!;
                var bucket = new ChaosBucket(key.Id, key.ApiKey, durability);
                using var policy = await cluster.Silo(i % cluster.SiloCount).CreateClient(key.ApiKey)
                    .PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto(durability, null));
                Assert.True(policy.IsSuccessStatusCode, $"policy of {key.Id}: {(int)policy.StatusCode}\n{cluster.Output}");
                buckets.Add(bucket);
            }
        }

        admin.Dispose();
        return new ChaosWorkload(cluster, buckets);
    }

    /// <summary>Writes one new key to every bucket, through the live silos in turn.</summary>
    public async Task WriteRoundAsync(int parallelism)
    {
        var round = Interlocked.Increment(ref _writeRound);
        await Parallel.ForEachAsync(
            buckets.Select((bucket, index) => (bucket, index)),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (item, _) =>
            {
                var live = cluster.LiveSilos.ToList();
                if (live.Count == 0)
                {
                    return;
                }

                var silo = cluster.Silo(live[(item.index + round) % live.Count]);
                var (key, value) = ($"w{round:D3}", $"{item.bucket.Id} write {round}");
                if (await TryPutAsync(silo.BaseAddress, item.bucket, key, value))
                {
                    _acknowledged.Add(new AcknowledgedWrite(item.bucket, key, value, DateTimeOffset.UtcNow));
                }
            });
    }

    /// <summary>
    /// Polls until every bucket answers through the live silos (or those of <paramref name="through"/>).
    /// Returns when the first bucket that had failed answered again (null when none failed) and when the
    /// last one did, each the time its own answer came (not the end of the polling pass).
    /// </summary>
    public async Task<(DateTimeOffset? FirstBackAt, DateTimeOffset AllBackAt)> WaitAllAnswerAsync(DateTimeOffset since, TimeSpan deadline, IReadOnlyList<int>? through = null)
    {
        var pending = buckets.ToList();
        var failed = new HashSet<ChaosBucket>();
        var answeredAt = new ConcurrentDictionary<ChaosBucket, DateTimeOffset>();
        DateTimeOffset? firstBack = null;
        var allBack = DateTimeOffset.UtcNow;
        while (pending.Count > 0)
        {
            var stillFailing = new ConcurrentBag<ChaosBucket>();
            answeredAt.Clear();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (bucket, _) =>
            {
                if (await AnswersAsync(bucket, through))
                {
                    answeredAt[bucket] = DateTimeOffset.UtcNow;
                }
                else
                {
                    stillFailing.Add(bucket);
                }
            });
            var back = answeredAt.Where(a => failed.Contains(a.Key)).Select(a => a.Value).ToList();
            if (back.Count > 0)
            {
                firstBack ??= back.Min();
                allBack = back.Max();
            }

            failed.UnionWith(stillFailing);
            pending = [.. stillFailing];
            if (pending.Count > 0)
            {
                Assert.True(DateTimeOffset.UtcNow - since < deadline, $"{pending.Count} buckets still not answering {deadline} after the crash, e.g. {pending[0]}\n{cluster.Output}");
                await Task.Delay(200);
            }
        }

        return (firstBack, failed.Count == 0 ? DateTimeOffset.UtcNow : allBack);
    }

    /// <summary>
    /// Reads every acknowledged write back; returns those newly missing since the last call, and how many
    /// writes were acknowledged since then per class. Losses of earlier rounds are not counted again.
    /// </summary>
    public async Task<(IReadOnlyList<AcknowledgedWrite> Lost, IReadOnlyDictionary<string, int> Acknowledged)> FindNewlyLostAsync()
    {
        var lost = new ConcurrentBag<AcknowledgedWrite>();
        var candidates = _acknowledged.Where(w => !_accountedLost.Contains(w)).ToList();
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (write, _) =>
        {
            if (await ReadAsync(write.Bucket, write.Key) != write.Value)
            {
                lost.Add(write);
            }
        });
        _accountedLost.UnionWith(lost);
        var fresh = _acknowledged.Where(_accountedAcknowledged.Add).ToList();
        return ([.. lost], Classes.ToDictionary(c => c, c => fresh.Count(w => w.Bucket.Durability == c)));
    }

    /// <summary>
    /// Checks the recorded history of the buckets <paramref name="which"/> selects, key by key: a
    /// read that returned a value older than one acknowledged before the read began is a violation.
    /// </summary>
    public LinearizabilityResult CheckHistory(Func<ChaosBucket, bool> which)
    {
        var ids = buckets.Where(which).Select(bucket => bucket.Id + "/").ToList();
        return LinearizabilityChecker.Check(_history.Operations(key => ids.Any(id => key.StartsWith(id, StringComparison.Ordinal))));
    }

    private static string RegisterKey(ChaosBucket bucket, string key) => $"{bucket.Id}/{key}";

    private HttpClient ClientFor(Uri silo) => _clients.GetOrAdd(silo, address => new HttpClient { BaseAddress = address, Timeout = RequestTimeout });

    private async Task<bool> TryPutAsync(Uri silo, ChaosBucket bucket, string key, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{key}") { Content = new StringContent(value, Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bucket.ApiKey);
        var invoked = _history.Now;
        try
        {
            using var response = await ClientFor(silo).SendAsync(request);
            var acknowledged = response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent;

            // A 4xx changed nothing; a 5xx (a critical write's 503 keeps the change in memory) may have.
            var outcome = acknowledged ? OperationOutcome.Ok : (int)response.StatusCode < 500 ? OperationOutcome.Failed : OperationOutcome.Unknown;
            _history.Add(RegisterOperation.Write(RegisterKey(bucket, key), value, invoked, _history.Now, outcome));
            return acknowledged;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _history.Add(RegisterOperation.Write(RegisterKey(bucket, key), value, invoked, _history.Now, OperationOutcome.Unknown));
            return false;
        }
    }

    private async Task<bool> AnswersAsync(ChaosBucket bucket, IReadOnlyList<int>? through)
    {
        foreach (var index in through ?? cluster.LiveSilos)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/bucket");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bucket.ApiKey);
            try
            {
                using var response = await ClientFor(cluster.Silo(index).BaseAddress).SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<string?> ReadAsync(ChaosBucket bucket, string key)
    {
        var silo = cluster.Silo(cluster.LiveSilos.First());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/keys/{key}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bucket.ApiKey);
        var invoked = _history.Now;
        using var response = await ClientFor(silo.BaseAddress).SendAsync(request);
        var value = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        _history.Add(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound
            ? RegisterOperation.Read(RegisterKey(bucket, key), value, invoked, _history.Now)
            : RegisterOperation.FailedRead(RegisterKey(bucket, key), invoked, _history.Now));
        return value;
    }
}
