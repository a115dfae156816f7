using System.Diagnostics;
using System.Net;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests.Resp;

/// <summary>Debian's redis-cli against a running silo, one test per command group, and a critical bucket's RESP writes across kill -9.</summary>
[Trait("Category", "E2E")]
[Collection(RespSiloGroup.Name)]
public sealed class RedisCliTests(RespSilo silo)
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConnectionCommandsAnswerBeforeAndAfterAuth()
    {
        var (apiKey, _) = await silo.NewBucketAsync();

        Assert.Equal("PONG", await CliAsync(silo.Port, null, "PING"));
        Assert.Equal("NOAUTH Authentication required.", await CliAsync(silo.Port, null, "GET", "k"));
        Assert.Equal("WRONGPASS invalid username-password pair or user is disabled.", await CliAsync(silo.Port, null, "AUTH", "not-a-key"));
        Assert.Equal("hi", await CliAsync(silo.Port, apiKey, "ECHO", "hi"));
        Assert.Equal("OK", await CliAsync(silo.Port, apiKey, "SELECT", "0"));
        Assert.Equal("ERR DB index is out of range", await CliAsync(silo.Port, apiKey, "SELECT", "1"));
        Assert.StartsWith("ERR unknown command 'LPUSH', with args beginning with: 'list' ", await CliAsync(silo.Port, apiKey, "LPUSH", "list", "x"), StringComparison.Ordinal);
        Assert.Contains("redis_version:7.2.0", await CliAsync(silo.Port, apiKey, "INFO", "server"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StringCommandsBehaveAsInRedis()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        async Task<string> Cli(params string[] args) => await CliAsync(silo.Port, apiKey, args);

        Assert.Equal("OK", await Cli("SET", "k", "v"));
        Assert.Equal("v", await Cli("GET", "k"));
        Assert.Equal("v", await Cli("SET", "k", "w", "GET"));
        Assert.Equal("", await Cli("SET", "k", "x", "NX"));
        Assert.Equal("11", await Cli("INCRBY", "n", "11"));
        Assert.Equal("10.5", await Cli("INCRBYFLOAT", "n", "-0.5"));
        Assert.Equal("5", await Cli("APPEND", "s", "Hello"));
        Assert.Equal("ell", await Cli("GETRANGE", "s", "1", "3"));
        Assert.Equal("5", await Cli("SETRANGE", "s", "0", "J"));
        Assert.Equal("Jello\n\nw", await Cli("MGET", "s", "missing", "k"));
        Assert.Equal("1", await Cli("MSETNX", "a", "1", "b", "2"));
        Assert.Equal("string", await Cli("TYPE", "a"));
        Assert.Equal("OK", await Cli("RENAME", "a", "c"));
        Assert.Equal("2", await Cli("DEL", "b", "c", "nothing"));
        Assert.Equal("ERR value is not an integer or out of range", await Cli("INCR", "s"));
    }

    [Fact]
    public async Task ExpiryCommandsBehaveAsInRedis()
    {
        var (apiKey, _) = await silo.NewBucketAsync();
        async Task<string> Cli(params string[] args) => await CliAsync(silo.Port, apiKey, args);

        Assert.Equal("OK", await Cli("SETEX", "k", "100", "v"));
        Assert.Equal("100", await Cli("TTL", "k"));
        Assert.Equal("1", await Cli("EXPIRE", "k", "200", "GT"));
        Assert.Equal("0", await Cli("EXPIRE", "k", "50", "GT"));
        Assert.InRange(long.Parse(await Cli("PTTL", "k"), System.Globalization.CultureInfo.InvariantCulture), 199_000, 200_000);
        Assert.Equal("v", await Cli("GETEX", "k", "PERSIST"));
        Assert.Equal("-1", await Cli("TTL", "k"));
        Assert.Equal("-2", await Cli("TTL", "missing"));
        Assert.Equal("1", await Cli("PEXPIREAT", "k", "1"));
        Assert.Equal("0", await Cli("EXISTS", "k"));
        Assert.Equal("ERR invalid expire time in 'setex' command", await Cli("SETEX", "k", "0", "v"));
    }

    [Fact]
    public async Task KeyspaceCommandsScanKeysAndFlush()
    {
        var (apiKey, http) = await silo.NewBucketAsync();
        async Task<string> Cli(params string[] args) => await CliAsync(silo.Port, apiKey, args);
        Assert.Equal("OK", await Cli("MSET", "user:1", "a", "user:2", "b", "other", "c"));

        Assert.Equal("3", await Cli("DBSIZE"));
        Assert.Equal(["user:1", "user:2"], (await Cli("KEYS", "user:*")).Split('\n').Order());
        Assert.Equal(["user:1", "user:2"], (await CliAsync(silo.Port, apiKey, "--scan", "--pattern", "user:*")).Split('\n').Order());
        Assert.Equal("OK", await Cli("FLUSHDB"));
        Assert.Equal("0", await Cli("DBSIZE"));
        using var gone = await http.GetAsync("/v1/keys/other");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task TransactionsRunQueuedCommandsTogether()
    {
        var (apiKey, _) = await silo.NewBucketAsync();

        var reply = await CliScriptAsync(silo.Port, apiKey, "MULTI\nINCR n\nINCR n\nGET n\nEXEC\n");
        Assert.Equal("OK\nQUEUED\nQUEUED\nQUEUED\n1\n2\n2", reply);

        var aborted = await CliScriptAsync(silo.Port, apiKey, "MULTI\nINCR n\nGET\nEXEC\nGET n\n");
        // redis-cli prints a blank line after an error reply read from a script.
        Assert.Equal("OK\nQUEUED\nERR wrong number of arguments for 'get' command\n\nEXECABORT Transaction discarded because of previous errors.\n\n2", aborted);
    }

    [Fact]
    public async Task CriticalBucketRespWritesSurviveKillNine()
    {
        await using var deployment = await Deployment.StartAsync(remoteBackup: true);
        var key = await ServerHarness.MintKeyAsync(deployment.Silo!, Deployment.AdminToken);
        using (var http = deployment.Silo!.CreateClient(key.ApiKey))
        {
            using var policy = await http.PutAsync("/v1/bucket/policy", new StringContent("""{"durability":"critical"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(policy.IsSuccessStatusCode, $"policy: {(int)policy.StatusCode}");
        }

        var commands = string.Concat(Enumerable.Range(0, 50).Select(i => $"SET key-{i} critical-{i}\n")) + "INCRBY counter 50\n";
        var replies = await CliScriptAsync(deployment.Silo!.RespPort, key.ApiKey, commands);
        Assert.Equal([.. Enumerable.Repeat("OK", 50), "50"], replies.Split('\n'));

        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();

        Assert.Equal("critical-0\ncritical-49\n50", await CliAsync(deployment.Silo!.RespPort, key.ApiKey, "MGET", "key-0", "key-49", "counter"));
    }

    /// <summary>Runs redis-cli with the API key as its password; its output without the trailing newline.</summary>
    private static Task<string> CliAsync(int port, string? apiKey, params string[] args) => RunCliAsync(port, apiKey, null, args);

    /// <summary>Runs redis-cli reading commands from <paramref name="script"/>, one per line.</summary>
    private static Task<string> CliScriptAsync(int port, string apiKey, string script) => RunCliAsync(port, apiKey, script, []);

    private static async Task<string> RunCliAsync(int port, string? apiKey, string? stdin, string[] args)
    {
        var info = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (apiKey is not null)
        {
            // REDISCLI_AUTH keeps the key off the command line (and out of ps).
            info.Environment["REDISCLI_AUTH"] = apiKey;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start (apt-get install redis-tools)");
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(CliTimeout);
        await process.WaitForExitAsync(deadline.Token);
        return ((await output) + (await errors)).TrimEnd('\n');
    }
}
