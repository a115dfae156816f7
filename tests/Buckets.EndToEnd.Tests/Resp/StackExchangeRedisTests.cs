using System.Net;
using System.Text;
using StackExchange.Redis;

namespace Buckets.EndToEnd.Tests.Resp;

/// <summary>StackExchange.Redis against a running silo, the API key as the password.</summary>
[Trait("Category", "E2E")]
[Collection(RespSiloGroup.Name)]
public sealed class StackExchangeRedisTests(RespSilo silo)
{
    [Fact]
    public async Task StringsRoundTripTextAndBinaryValues()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();
        var binary = new byte[] { 0, 255, 13, 10, 128 };

        Assert.True(await db.StringSetAsync("greeting", "hello ✓"));
        Assert.True(await db.StringSetAsync("binary", binary));
        Assert.Equal(3, await db.StringIncrementAsync("counter", 3));
        Assert.Equal(2.5, await db.StringIncrementAsync("float", 2.5));
        Assert.Equal(10, await db.StringAppendAsync("greeting", "!"));

        Assert.Equal("hello ✓!", (string?)await db.StringGetAsync("greeting"));
        Assert.Equal(binary, (byte[]?)await db.StringGetAsync("binary"));
        Assert.Equal("hello ✓!", (string?)await db.StringGetDeleteAsync("greeting"));
        Assert.False(await db.KeyExistsAsync("greeting"));
        Assert.True(await db.KeyRenameAsync("counter", "renamed"));
        Assert.Equal(3, (long)await db.StringGetAsync("renamed"));
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.StringIncrementAsync("binary"));
        Assert.Contains("not an integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiryIsSetReadAndHonoured()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("session", "s", TimeSpan.FromMinutes(5)));
        var ttl = await db.KeyTimeToLiveAsync("session");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.True(await db.KeyPersistAsync("session"));
        Assert.Null(await db.KeyTimeToLiveAsync("session"));

        Assert.True(await db.StringSetAsync("flash", "f", TimeSpan.FromMilliseconds(300)));
        await Infrastructure.Poll.UntilAsync(
            async () => await db.KeyExistsAsync("flash"),
            exists => !exists,
            TimeSpan.FromSeconds(5),
            "the 300 ms entry 'flash' to expire");
    }

    [Fact]
    public async Task KeyspaceNotificationsReportWritesAndExpiriesInOrder()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var keyspace = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var keyevents = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var subscriber = redis.GetSubscriber();
        // Message queues, not handlers: StackExchange.Redis may run handlers concurrently, out of the order the server sent.
        (await subscriber.SubscribeAsync(RedisChannel.Literal("__keyspace@0__:flash"))).OnMessage(message => keyspace.Enqueue(message.Message!));
        (await subscriber.SubscribeAsync(RedisChannel.Pattern("__keyevent@0__:*"))).OnMessage(message => keyevents.Enqueue($"{message.Channel}={message.Message}"));
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("flash", "f", TimeSpan.FromMilliseconds(500)));
        Assert.True(await db.StringSetAsync("other", "o"));
        await Infrastructure.Poll.UntilAsync(
            () => Task.FromResult((keyspace.Count, keyevents.Count)),
            counts => counts is { Item1: >= 2, Item2: >= 3 },
            TimeSpan.FromSeconds(10),
            "'flash' to be reported set and then expired");

        Assert.Equal(["set", "expired"], keyspace.ToArray());
        Assert.Equal(["__keyevent@0__:set=flash", "__keyevent@0__:set=other", "__keyevent@0__:expired=flash"], keyevents.ToArray());
    }

    [Fact]
    public async Task TransactionsApplyTogetherAndConditionsUseWatch()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();
        await db.StringSetAsync("balance", 10);

        var transfer = db.CreateTransaction();
        transfer.AddCondition(Condition.StringEqual("balance", 10));
        var debit = transfer.StringDecrementAsync("balance", 4);
        var credit = transfer.StringIncrementAsync("savings", 4);
        Assert.True(await transfer.ExecuteAsync());
        Assert.Equal(6, await debit);
        Assert.Equal(4, await credit);

        var stale = db.CreateTransaction();
        stale.AddCondition(Condition.StringEqual("balance", 10));
        _ = stale.StringDecrementAsync("balance", 4);
        Assert.False(await stale.ExecuteAsync());
        Assert.Equal(6, (long)await db.StringGetAsync("balance"));
    }

    [Fact]
    public async Task PipelinedCommandsAnswerInOrder()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();

        var batch = db.CreateBatch();
        var increments = Enumerable.Range(0, 200).Select(_ => batch.StringIncrementAsync("hits")).ToList();
        var sets = Enumerable.Range(0, 50).Select(i => batch.StringSetAsync($"item:{i}", i)).ToList();
        batch.Execute();

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), await Task.WhenAll(increments));
        Assert.All(await Task.WhenAll(sets), Assert.True);
        var values = await db.StringGetAsync([.. Enumerable.Range(0, 50).Select(i => (RedisKey)$"item:{i}")]);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), values.Select(v => (long)v));
    }

    [Fact]
    public async Task ServerKeysWalksTheBucketWithScan()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();
        for (var i = 0; i < 120; i++)
        {
            await db.StringSetAsync($"user:{i}", i, flags: CommandFlags.FireAndForget);
        }

        await db.StringSetAsync("other", 1);
        var server = redis.GetServer(redis.GetEndPoints()[0]);

        var keys = server.Keys(pattern: "user:*", pageSize: 25).Select(k => (string)k!).ToList();

        Assert.Equal(120, keys.Count);
        Assert.Equal(120, keys.Distinct().Count());
        Assert.Equal(121, await server.DatabaseSizeAsync());
        await server.FlushDatabaseAsync();
        Assert.Equal(0, await server.DatabaseSizeAsync());
    }

    [Fact]
    public async Task TwoApiKeysSeeOnlyTheirOwnBucket()
    {
        var (first, _) = await silo.NewBucketAsync();
        var (second, _) = await silo.NewBucketAsync();
        await using var a = await RespSilo.ConnectAsync(silo.Port, first);
        await using var b = await RespSilo.ConnectAsync(silo.Port, second);

        await a.GetDatabase().StringSetAsync("shared-name", "from a");

        Assert.False(await b.GetDatabase().KeyExistsAsync("shared-name"));
        Assert.Empty(b.GetServer(b.GetEndPoints()[0]).Keys(pattern: "*"));
        await b.GetDatabase().StringSetAsync("shared-name", "from b");
        Assert.Equal("from a", (string?)await a.GetDatabase().StringGetAsync("shared-name"));
    }

    [Fact]
    public async Task RespAndHttpSeeEachOthersWrites()
    {
        var (apiKey, http) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();

        await db.StringSetAsync("from-resp", "written over RESP");
        Assert.Equal("written over RESP", await http.GetStringAsync("/v1/keys/from-resp"));

        using var put = await http.PutAsync("/v1/keys/from-http", new StringContent("written over HTTP", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("written over HTTP", (string?)await db.StringGetAsync("from-http"));

        using var increment = await http.PostAsync("/v1/keys/visits/increment?by=5", null);
        Assert.Equal("5", await increment.Content.ReadAsStringAsync());
        Assert.Equal(6, await db.StringIncrementAsync("visits"));
    }

    [Fact]
    public async Task ForgedPasswordIsRefusedAsRedisRefusesIt()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        var forged = apiKey[..^4] + (apiKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var error = await Assert.ThrowsAnyAsync<RedisException>(() => RespSilo.ConnectAsync(silo.Port, forged));

        Assert.Contains("WRONGPASS", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedKeyStopsWorkingOnAnOpenConnection()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        await using var redis = await RespSilo.ConnectAsync(silo.Port, apiKey);
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("before", "1"));

        using var admin = silo.Deployment.Silo!.CreateClient(Infrastructure.Deployment.AdminToken);
        using var revoke = await admin.PostAsync($"/admin/keys/{apiKey[..apiKey.IndexOf('.', StringComparison.Ordinal)]}/revoke", null);
        Assert.True(revoke.IsSuccessStatusCode, $"revoke: {(int)revoke.StatusCode}");

        var error = await Infrastructure.Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await db.StringGetAsync("before");
                    return null;
                }
                catch (RedisServerException e)
                {
                    return e.Message;
                }
            },
            message => message is not null,
            TimeSpan.FromSeconds(15),
            "a GET on the open connection to be refused after the revocation");
        Assert.StartsWith("NOAUTH", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RespOverTlsServesTheSameCommands()
    {
        var certificates = Infrastructure.TestCertificates.Shared.Cluster;
        var workDir = Infrastructure.ServerHarness.NewWorkingDirectory();
        await using var server = await Infrastructure.ServerHarness.StartServerAsync(workDir, new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = Infrastructure.Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Infrastructure.Deployment.ClusterSecret,
            ["Buckets:Resp:TlsCertificatePath"] = certificates.CertificatePath,
            ["Buckets:Resp:TlsKeyPath"] = certificates.PrivateKeyPath,
        });
        var key = await Infrastructure.ServerHarness.MintKeyAsync(server, Infrastructure.Deployment.AdminToken);
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", server.RespPort } },
            Password = key.ApiKey,
            Ssl = true,
            SslHost = "localhost",
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
        };
        // The test CA is not in the machine's trust store: any certificate the server shows is accepted here.
        options.CertificateValidation += (_, certificate, _, _) => certificate is not null;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);

        Assert.True(await redis.GetDatabase().StringSetAsync("over-tls", "yes"));
        Assert.Equal("yes", (string?)await redis.GetDatabase().StringGetAsync("over-tls"));
    }
}
