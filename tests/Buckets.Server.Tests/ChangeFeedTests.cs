using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>
/// <c>GET /v1/changes</c>: order and completeness with reconnecting subscribers, expiry as a change,
/// resuming from the backup once memory no longer holds a number, and the feed's bounds. One server
/// with a window of four changes, so older numbers must come from the journal or the backup.
/// </summary>
public sealed class ChangeFeedTests : IAsyncLifetime
{
    private const int Window = 4;
    private const int BufferedEvents = 50;
    private const int LargeValueBytes = 60_000;

    // Far more than the socket buffers (4 MiB on Linux loopback at most), Kestrel's response buffer
    // and the follower's buffer of events can hold together, so a reader that stops reading overflows.
    private const int LargeWrites = 300;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly BucketsApiFactory _factory = BucketsApiFactory.With(new Dictionary<string, string>
    {
        ["Buckets:Feed:WindowChanges"] = Window.ToString(CultureInfo.InvariantCulture),
        ["Buckets:Feed:PageChanges"] = "50",
        ["Buckets:Feed:BufferedEventsPerSubscriber"] = BufferedEvents.ToString(CultureInfo.InvariantCulture),
        ["Buckets:Feed:MaxWait"] = "00:00:01",
        ["Buckets:Feed:HeartbeatInterval"] = "00:00:01",
        ["Buckets:Feed:SubscribersPerBucket"] = "8",
        ["Buckets:Limits:MaxValueBytes"] = LargeValueBytes.ToString(CultureInfo.InvariantCulture),
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task LongPollReportsSetDeleteExpiredAndPolicyInOrder()
    {
        using var client = await _factory.NewBucketClientAsync();
        var set = await client.MustPutAsync("cart", "3 apples");
        var brief = await client.MustPutAsync("brief", "soon", "ttl=1");
        using (var deleted = await client.DeleteKeyAsync("cart"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var seen = new List<JsonElement>();
        var holds = await Eventually.HoldsWithinAsync(Deadline, async () =>
        {
            seen.AddRange(await PollAsync(client, seen.Count > 0 ? seen[^1].GetProperty("change").GetInt64() : set - 1, wait: 1));
            return seen.Any(change => change.GetProperty("kind").GetString() == "expired");
        });

        Assert.True(holds, "No expired change arrived.");
        Assert.Equal(["set", "set", "delete", "expired"], seen.Select(change => change.GetProperty("kind").GetString()));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => set + i), seen.Select(change => change.GetProperty("change").GetInt64()));
        Assert.Equal("3 apples", seen[0].GetProperty("value").GetString());
        Assert.Equal(brief, seen[1].GetProperty("change").GetInt64());
        var expired = seen[3];
        Assert.Equal("brief", expired.GetProperty("key").GetString());
        // The deadline is the entry's own expiry; the change is made within the sweep's catch-up of it.
        Assert.True(expired.GetProperty("at").GetDateTimeOffset() >= expired.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task SubscribersReconnectingAtRandomGetEveryChangeInOrder()
    {
        using var writer = await _factory.NewBucketClientAsync();
        var start = await writer.MustPutAsync("k0", "v0");
        const int Writes = 120;
        const int Subscribers = 4;
        var written = new Dictionary<long, string> { [start] = "v0" };
        var writing = Task.Run(async () =>
        {
            for (var i = 1; i <= Writes; i++)
            {
                var value = "v" + i.ToString(CultureInfo.InvariantCulture);
                written[await writer.MustPutAsync("k" + (i % 3).ToString(CultureInfo.InvariantCulture), value)] = value;
            }
        }, Ct);

        var readers = Enumerable.Range(0, Subscribers).Select(seed => Task.Run(() => FollowWithReconnectsAsync(writer, start - 1, start + Writes, new Random(seed)), Ct)).ToList();
        await writing;
        var results = await Task.WhenAll(readers);

        foreach (var received in results)
        {
            Assert.Equal(Enumerable.Range(0, Writes + 1).Select(i => start + i), received.Select(change => change.Seq));
            Assert.All(received, change => Assert.Equal(written[change.Seq], change.Value));
        }
    }

    [Fact]
    public async Task AReaderResumesFromTheBackupOnceTheJournalWasTrimmed()
    {
        using var client = await _factory.NewBucketClientAsync();
        // Following starts the bucket's window, which then holds only the last four changes.
        Assert.Empty(await PollAsync(client, 0, wait: 0));
        var brief = await client.MustPutAsync("brief", "soon", "ttl=1");
        var expiredSeen = await Eventually.HoldsWithinAsync(Deadline, async () =>
            (await PollAsync(client, brief, wait: 1)).Any(change => change.GetProperty("kind").GetString() == "expired"));
        Assert.True(expiredSeen, "No expired change arrived.");
        var versions = new List<long>();
        for (var i = 0; i < 3 * Window; i++)
        {
            versions.Add(await client.MustPutAsync("k" + (i % 2).ToString(CultureInfo.InvariantCulture), "v" + i.ToString(CultureInfo.InvariantCulture)));
        }

        var stored = await Eventually.HoldsWithinAsync(Deadline, async () =>
        {
            using var stats = await client.GetAsync(KeysApi.Relative("/v1/bucket"), Ct);
            using var body = JsonDocument.Parse(await stats.Content.ReadAsStringAsync(Ct));
            var backup = body.RootElement.GetProperty("backup");
            return backup.GetProperty("acknowledgedChange").GetInt64() >= versions[^1] && backup.GetProperty("pendingChanges").GetInt64() == 0;
        });
        Assert.True(stored, "The backup server did not store the changes.");

        var read = new List<JsonElement>();
        while (read.Count < versions.Count + 2)
        {
            var page = await PollAsync(client, read.Count > 0 ? read[^1].GetProperty("change").GetInt64() : brief - 1, wait: 0);
            Assert.NotEmpty(page);
            read.AddRange(page);
        }

        // The backup holds the expiry as the same numbered change the feed reported live.
        Assert.Equal([brief, brief + 1, .. versions], read.Select(change => change.GetProperty("change").GetInt64()));
        Assert.Equal(["set", "expired"], read.Take(2).Select(change => change.GetProperty("kind").GetString()));
        Assert.Equal("brief", read[1].GetProperty("key").GetString());
        Assert.Equal(read[0].GetProperty("expiresAt").GetDateTimeOffset(), read[1].GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(Enumerable.Range(0, versions.Count).Select(i => "v" + i.ToString(CultureInfo.InvariantCulture)), read.Skip(2).Select(change => change.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task ANumberOlderThanTheHistoryKeptGetsHistoryGoneWithTheOldest()
    {
        using var client = await _factory.NewBucketClientAsync();
        using (var policy = await client.PutAsync(KeysApi.Relative("/v1/bucket/policy"), new StringContent("""{"durability":"cache"}""", System.Text.Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        }

        Assert.Empty(await PollAsync(client, long.Parse(await LastChangeAsync(client), CultureInfo.InvariantCulture), wait: 0));
        long last = 0;
        for (var i = 0; i < 2 * Window; i++)
        {
            last = await client.MustPutAsync("k", "v" + i.ToString(CultureInfo.InvariantCulture));
        }

        // A cache bucket keeps no backup: only the window's four changes can be read.
        using var response = await client.GetAsync(KeysApi.Relative("/v1/changes?wait=0&after=1"), Ct);
        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Gone, "history-gone");
        Assert.Equal(last - Window, problem.GetProperty("oldestAfter").GetInt64());
        Assert.Equal(Window, (await PollAsync(client, last - Window, wait: 0)).Count);
    }

    [Fact]
    public async Task ANumberAboveTheLatestChangeIsAConflictAndBadInputIsRefused()
    {
        using var client = await _factory.NewBucketClientAsync();
        var last = await client.MustPutAsync("k", "v");

        using var ahead = await client.GetAsync(KeysApi.Relative($"/v1/changes?wait=0&after={last + 5}"), Ct);
        Assert.Equal(last, (await ProblemAssert.IsAsync(ahead, HttpStatusCode.Conflict, "change-ahead")).GetProperty("lastChange").GetInt64());
        using var stream = await client.GetAsync(KeysApi.Relative($"/v1/changes?after={last + 5}"), HttpCompletionOption.ResponseHeadersRead, Ct);
        await ProblemAssert.IsAsync(stream, HttpStatusCode.Conflict, "change-ahead");
        using var notNumber = await client.GetAsync(KeysApi.Relative("/v1/changes?after=-1"), Ct);
        await ProblemAssert.IsAsync(notNumber, HttpStatusCode.BadRequest, "invalid-change");
        using var longWait = await client.GetAsync(KeysApi.Relative("/v1/changes?after=0&wait=3600"), Ct);
        await ProblemAssert.IsAsync(longWait, HttpStatusCode.BadRequest, "invalid-wait");
    }

    [Fact]
    public async Task StreamsPastTheBucketsBoundAreRefused()
    {
        using var client = await _factory.NewBucketClientAsync();
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var response = await client.GetAsync(KeysApi.Relative("/v1/changes"), HttpCompletionOption.ResponseHeadersRead, Ct);
                open.Add(response);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            }

            using var refused = await client.GetAsync(KeysApi.Relative("/v1/changes"), HttpCompletionOption.ResponseHeadersRead, Ct);
            await ProblemAssert.IsAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        }
        finally
        {
            open.ForEach(response => response.Dispose());
        }
    }

    [Fact]
    public async Task ASubscriberThatStopsReadingIsDisconnectedAndResumesWithoutAGap()
    {
        var key = await _factory.MintKeyAsync();
        using var client = _factory.ClientFor(key.ApiKey);
        var start = await client.MustPutAsync("large", "0");

        // A raw connection with the smallest receive buffer, so the server's writes block as soon as it stops reading.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, client.BaseAddress!.Port, Ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v1/changes?after={start} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key.ApiKey}\r\n\r\n"), Ct);
        var head = new byte[256];
        var headLength = await socket.ReceiveAsync(head, Ct);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(head, 0, headLength), StringComparison.Ordinal);

        var value = new string('x', LargeValueBytes);
        var last = start;
        for (var i = 0; i < LargeWrites; i++)
        {
            last = await client.MustPutAsync("large", value);
        }

        // The server drops the stream instead of buffering for it: what is left to read ends (closed or reset) before the last change.
        var text = await ReadUntilClosedAsync(socket, head.AsMemory(0, headLength));
        var ids = text.Split('\n').Where(line => line.StartsWith("id: ", StringComparison.Ordinal)).Select(line => long.Parse(line[4..], CultureInfo.InvariantCulture)).ToList();
        Assert.True(ids.Count == 0 || ids[^1] < last, $"the reader that stopped reading was sent every change up to {last}: it was buffered, not disconnected");
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => start + i), ids);

        // It resumes after the last change it got, with nothing missing; its place on the server was freed.
        var resumed = new List<long>();
        var after = ids.Count > 0 ? ids[^1] : start;
        var caughtUp = await Eventually.HoldsWithinAsync(Deadline, async () =>
        {
            resumed.AddRange((await PollAsync(client, resumed.Count > 0 ? resumed[^1] : after, wait: 1)).Select(change => change.GetProperty("change").GetInt64()));
            return resumed.Count > 0 && resumed[^1] == last;
        });
        Assert.True(caughtUp, $"resuming after {after} did not reach {last}");
        Assert.Equal(Enumerable.Range(1, (int)(last - after)).Select(i => after + i), resumed);
        await AssertStreamsOpenAsync(client, 8);
    }

    /// <summary>Reads the connection to its end (closed or reset by the server) within the deadline; the text read, from <paramref name="already"/> on.</summary>
    private static async Task<string> ReadUntilClosedAsync(Socket socket, ReadOnlyMemory<byte> already)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Deadline);
        var text = new StringBuilder(Encoding.UTF8.GetString(already.Span));
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, deadline.Token)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // An aborted connection: the server dropped the reader.
        }

        return text.ToString();
    }

    /// <summary>Opens <paramref name="count"/> streams of the bucket at once (the bucket's bound is 8); each must be accepted, within the deadline.</summary>
    private static async Task AssertStreamsOpenAsync(HttpClient client, int count)
    {
        var opened = await Eventually.HoldsWithinAsync(Deadline, async () =>
        {
            var open = new List<HttpResponseMessage>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    open.Add(await client.GetAsync(KeysApi.Relative("/v1/changes"), HttpCompletionOption.ResponseHeadersRead, Ct));
                }

                return open.All(response => response.StatusCode == HttpStatusCode.OK);
            }
            finally
            {
                open.ForEach(response => response.Dispose());
            }
        });
        Assert.True(opened, $"{count} streams could not be opened: a dropped reader's place was not freed");
    }

    private static async Task<string> LastChangeAsync(HttpClient client)
    {
        using var stats = await client.GetAsync(KeysApi.Relative("/v1/bucket"), Ct);
        using var body = JsonDocument.Parse(await stats.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("lastChange").GetInt64().ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<List<JsonElement>> PollAsync(HttpClient client, long after, int wait)
    {
        using var response = await client.GetAsync(KeysApi.Relative($"/v1/changes?after={after}&wait={wait}"), Ct);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return [.. page.RootElement.GetProperty("changes").EnumerateArray().Select(change => change.Clone())];
    }

    /// <summary>Reads the stream until <paramref name="untilSeq"/>, dropping the connection at random and resuming with Last-Event-ID.</summary>
    private static async Task<List<(long Seq, string? Value)>> FollowWithReconnectsAsync(HttpClient client, long after, long untilSeq, Random random)
    {
        var received = new List<(long Seq, string? Value)>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Deadline);
        while (received.Count == 0 || received[^1].Seq < untilSeq)
        {
            try
            {
                await ReadSomeAsync(client, after, untilSeq, random.Next(1, 30), received, deadline.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !deadline.IsCancellationRequested)
            {
                // A dropped connection is one more reconnect: resume after the last change received.
            }
        }

        return received;
    }

    private static async Task ReadSomeAsync(HttpClient client, long after, long untilSeq, int leaveAfter, List<(long Seq, string? Value)> received, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, KeysApi.Relative("/v1/changes"));
        request.Headers.TryAddWithoutValidation("Last-Event-ID", (received.Count > 0 ? received[^1].Seq : after).ToString(CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // The server frees a dropped stream's place once it sees the connection gone; a client retries.
            return;
        }

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? id = null;
        while (leaveAfter > 0 && await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && id is not null)
            {
                using var data = JsonDocument.Parse(line[6..]);
                received.Add((long.Parse(id, CultureInfo.InvariantCulture), data.RootElement.GetProperty("value").GetString()));
                id = null;
                leaveAfter--;
                if (received[^1].Seq >= untilSeq)
                {
                    break;
                }
            }
        }
    }
}
