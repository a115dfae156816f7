using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// The change feed across a silo crash and a silo move: subscribers follow buckets through any live
/// silo while writes go on, one silo of three is killed (or stops gracefully, so its buckets move),
/// and every subscriber ends with every acknowledged change of its bucket, in order and without gaps.
/// Critical buckets, so an acknowledged write is stored before its 2xx and is never lost with a silo.
/// And across a backup-server crash: standard buckets keep taking writes, their subscribers see them
/// once the restarted server stored them.
/// </summary>
[Trait("Category", "E2E")]
public sealed class ChangeFeedClusterTests
{
    private const int Buckets = 10;
    private const int SubscribersPerBucket = 5;
    private const int WritesPerBucketBeforeKill = 15;
    private const int WritesPerBucketAfterKill = 15;
    private const int Victim = 1;
    private static readonly TimeSpan CatchUpBound = TimeSpan.FromSeconds(40);

    [Fact]
    public Task EverySubscriberEndsWithEveryAcknowledgedChangeWhenASiloIsKilled() =>
        FollowAcrossAsync(cluster =>
        {
            cluster.KillSilo(Victim);
            return Task.CompletedTask;
        });

    /// <summary>A silo stops gracefully (a rolling update): its buckets move to the others with their state, and their readers follow them there.</summary>
    [Fact]
    public Task EverySubscriberEndsWithEveryAcknowledgedChangeWhenItsBucketsMoveToAnotherSilo() =>
        FollowAcrossAsync(cluster => cluster.StopSiloGracefullyAsync(Victim));

    /// <summary>50 subscribers follow 10 critical buckets through every silo while writes go on and <paramref name="disrupt"/> takes one silo away.</summary>
    private static async Task FollowAcrossAsync(Func<ClusterDeployment, Task> disrupt)
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 3);
        using var admin = cluster.Silo(0).CreateClient(Deployment.AdminToken);
        var keys = new List<MintKeyResponse>();
        for (var b = 0; b < Buckets; b++)
        {
            keys.Add((await (await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null))).Content.ReadFromJsonAsync<MintKeyResponse>())!);
            using var tenant = cluster.Silo(b % 3).CreateClient(keys[b].ApiKey);
            using var policy = await tenant.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto("critical", null));
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        var starts = new long[Buckets];
        for (var b = 0; b < Buckets; b++)
        {
            using var tenant = cluster.Silo(0).CreateClient(keys[b].ApiKey);
            starts[b] = (await (await tenant.GetAsync("/v1/bucket")).Content.ReadFromJsonAsync<BucketStatsResponse>())!.LastChange;
        }

        var acknowledged = Enumerable.Range(0, Buckets).Select(_ => new ConcurrentDictionary<long, string>()).ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(80));
        var subscribers = Enumerable.Range(0, Buckets * SubscribersPerBucket)
            .Select(s => new Subscriber(cluster, keys[s % Buckets].ApiKey, starts[s % Buckets], s))
            .ToList();
        var following = subscribers.Select(subscriber => Task.Run(() => subscriber.FollowAsync(stop.Token))).ToList();

        await WriteRoundsAsync(cluster, keys, acknowledged, WritesPerBucketBeforeKill, 0);
        await disrupt(cluster);
        await WriteRoundsAsync(cluster, keys, acknowledged, WritesPerBucketAfterKill, WritesPerBucketBeforeKill);

        await AssertEverySubscriberCaughtUpAsync(subscribers, following, stop, starts, acknowledged, "every subscriber to reach its bucket's last acknowledged change");
        Assert.All(acknowledged, (changes, bucket) => Assert.True(changes.Count >= WritesPerBucketBeforeKill, $"bucket {bucket}: only {changes.Count} writes acknowledged"));
    }

    [Fact]
    public async Task EverySubscriberOfAStandardBucketEndsWithEveryAcknowledgedChangeAcrossABackupServerCrash()
    {
        const int buckets = 3;
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1);
        using var admin = cluster.Silo(0).CreateClient(Deployment.AdminToken);
        var keys = new List<MintKeyResponse>();
        for (var b = 0; b < buckets; b++)
        {
            keys.Add((await (await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null))).Content.ReadFromJsonAsync<MintKeyResponse>())!);
        }

        var acknowledged = Enumerable.Range(0, buckets).Select(_ => new ConcurrentDictionary<long, string>()).ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(80));
        var subscribers = Enumerable.Range(0, buckets).Select(b => new Subscriber(cluster, keys[b].ApiKey, 0, b)).ToList();
        var following = subscribers.Select(subscriber => Task.Run(() => subscriber.FollowAsync(stop.Token))).ToList();

        await WriteRoundsAsync(cluster, keys, acknowledged, 10, 0);
        cluster.KillBackupServer(0);
        await WriteRoundsAsync(cluster, keys, acknowledged, 10, 10);
        Assert.All(acknowledged, changes => Assert.Equal(20, changes.Count));

        // Nothing the backup does not hold is shown: a crash of the silo now would take it back.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.All(subscribers, subscriber => Assert.True(subscriber.LastSeen <= 10, $"subscriber {subscriber.Index} saw change {subscriber.LastSeen}, which no backup server stored"));
        await cluster.StartBackupServerAsync(0);
        await WriteRoundsAsync(cluster, keys, acknowledged, 5, 20);

        await AssertEverySubscriberCaughtUpAsync(subscribers, following, stop, new long[buckets], acknowledged, "every subscriber to reach its bucket's last acknowledged change after the backup server came back");
    }

    /// <summary>
    /// Waits until every subscriber (of bucket <c>Index % buckets</c>) saw its bucket's last acknowledged
    /// change, stops them, then checks each saw every change after its start in order, without gaps,
    /// and every acknowledged change with its value.
    /// </summary>
    private static async Task AssertEverySubscriberCaughtUpAsync(List<Subscriber> subscribers, List<Task> following, CancellationTokenSource stop, long[] starts, ConcurrentDictionary<long, string>[] acknowledged, string what)
    {
        var lastAcknowledged = acknowledged.Select(changes => changes.Keys.DefaultIfEmpty(0).Max()).ToArray();
        await Poll.UntilAsync(
            () => Task.FromResult(subscribers.Count(s => s.LastSeen < lastAcknowledged[s.Index % acknowledged.Length])),
            behind => behind == 0,
            CatchUpBound,
            what);
        await stop.CancelAsync();
        await Task.WhenAll(following);

        foreach (var subscriber in subscribers)
        {
            var bucket = subscriber.Index % acknowledged.Length;
            var seen = subscriber.Seen;
            Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => starts[bucket] + i), seen.Select(change => change.Change));
            var values = seen.ToDictionary(change => change.Change, change => change.Value);
            Assert.All(acknowledged[bucket], ack => Assert.Equal(ack.Value, values.GetValueOrDefault(ack.Key)));
        }
    }

    /// <summary>Writes to every bucket through any live silo, keeping the version and value of each acknowledged write.</summary>
    private static async Task WriteRoundsAsync(ClusterDeployment cluster, List<MintKeyResponse> keys, ConcurrentDictionary<long, string>[] acknowledged, int rounds, int first)
    {
        var clients = cluster.LiveSilos.SelectMany(silo => keys.Select((key, b) => (silo, b, client: cluster.Silo(silo).CreateClient(key.ApiKey)))).ToList();
        try
        {
            for (var round = first; round < first + rounds; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, keys.Count).Select(async b =>
                {
                    var value = $"b{b}-w{round}";
                    var candidates = clients.Where(c => c.b == b).ToList();
                    var (_, _, client) = candidates[round % candidates.Count];
                    try
                    {
                        using var content = new StringContent(value, Encoding.UTF8, "text/plain");
                        using var response = await client.PutAsync($"/v1/keys/k{round % 3}", content);
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged[b][long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture)] = value;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The silo died under the request: not acknowledged.
                    }
                }));
            }
        }
        finally
        {
            clients.ForEach(c => c.client.Dispose());
        }
    }

    /// <summary>One subscriber: long polls after the last change it saw, through the live silos in turn, moving on at any failure.</summary>
    private sealed class Subscriber(ClusterDeployment cluster, string apiKey, long start, int index)
    {
        private readonly List<ChangeEventResponse> _seen = [];
        private long _last = start;

        public int Index => index;

        public long LastSeen => Interlocked.Read(ref _last);

        public List<ChangeEventResponse> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public async Task FollowAsync(CancellationToken stop)
        {
            var attempt = index;
            while (!stop.IsCancellationRequested)
            {
                var silos = cluster.LiveSilos.ToList();
                using var http = cluster.Silo(silos[attempt++ % silos.Count]).CreateClient(apiKey);
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        using var response = await http.GetAsync($"/v1/changes?after={LastSeen}&wait=2", stop);
                        if (!response.IsSuccessStatusCode)
                        {
                            break;
                        }

                        var page = (await response.Content.ReadFromJsonAsync<ChangePageResponse>(stop))!;
                        lock (_seen)
                        {
                            _seen.AddRange(page.Changes);
                        }

                        Interlocked.Exchange(ref _last, page.Next);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidOperationException && !stop.IsCancellationRequested)
                {
                    // This silo went away or timed out: follow through the next one.
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        }
    }
}
