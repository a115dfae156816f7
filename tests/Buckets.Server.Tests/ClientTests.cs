using System.Net;
using System.Text;
using Buckets.Client;
using Buckets.Contracts.Http;
using Buckets.Hosting.Csv;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Server.Tests;

/// <summary>
/// <see cref="BucketsClient"/> and <see cref="BucketsAdminClient"/>, registered through
/// <c>AddBucketsClient</c>, against the real server on a loopback socket.
/// </summary>
[Collection(BucketsApiGroup.Name)]
public sealed class ClientTests(BucketsApiFactory factory) : IDisposable
{
    private readonly ServiceProvider _services = Services(factory.ClientOptions.BaseAddress, BucketsApiFactory.AdminToken);
    private readonly List<ServiceProvider> _tenants = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BucketsAdminClient Admin => _services.GetRequiredService<BucketsAdminClient>();

    public void Dispose()
    {
        _services.Dispose();
        _tenants.ForEach(t => t.Dispose());
    }

    [Fact]
    public void TheClientAndItsContractsReferenceNoOrleansAndNoAspNetCore()
    {
        foreach (var assembly in new[] { typeof(BucketsClient).Assembly, typeof(KeyListResponse).Assembly })
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => r.Name!.Contains("Orleans", StringComparison.Ordinal) || r.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SetGetAndDeleteWithTtlAndVersions()
    {
        var buckets = await NewTenantAsync();

        var created = await buckets.SetStringAsync("cart", "3 apples", new SetOptions { Ttl = TimeSpan.FromMinutes(5) }, Ct);
        var entry = await buckets.GetAsync("cart", Ct);
        var replaced = await buckets.SetStringAsync("cart", "4 apples", new SetOptions { IfVersion = created.Version }, Ct);
        var stale = await Assert.ThrowsAsync<PreconditionFailedException>(() => buckets.SetStringAsync("cart", "5 apples", new SetOptions { IfVersion = created.Version }, Ct));
        var twice = await Assert.ThrowsAsync<PreconditionFailedException>(() => buckets.SetStringAsync("cart", "x", new SetOptions { OnlyIfAbsent = true }, Ct));
        await buckets.SetAsync("users/42/avatar", new byte[] { 0, 1, 255 }, cancellationToken: Ct);

        Assert.True(created.Created);
        Assert.False(replaced.Created);
        Assert.NotNull(entry);
        Assert.Equal("3 apples", entry.AsString());
        Assert.True(entry.IsText);
        Assert.Equal(created.Version, entry.Version);
        Assert.InRange(entry.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Contains("If-None-Match", twice.Detail, StringComparison.Ordinal);
        Assert.Equal("4 apples", await buckets.GetStringAsync("cart", Ct));
        var avatar = await buckets.GetAsync("users/42/avatar", Ct);
        Assert.Equal(new byte[] { 0, 1, 255 }, avatar!.Value);
        Assert.False(avatar.IsText);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => buckets.DeleteAsync("cart", ifVersion: created.Version, Ct));
        Assert.True(await buckets.DeleteAsync("cart", replaced.Version, Ct));
        Assert.False(await buckets.DeleteAsync("cart", cancellationToken: Ct));
        Assert.Null(await buckets.GetAsync("cart", Ct));
    }

    [Fact]
    public async Task ChangesYieldsEveryChangeAfterANumberInOrder()
    {
        var buckets = await NewTenantAsync();
        var first = await buckets.SetStringAsync("a", "1", cancellationToken: Ct);
        await buckets.SetStringAsync("b", "2", cancellationToken: Ct);
        await buckets.DeleteAsync("a", cancellationToken: Ct);

        var changes = new List<Contracts.Http.ChangeEventResponse>();
        await foreach (var change in buckets.ChangesAsync(first.Version - 1, TimeSpan.FromSeconds(1), Ct))
        {
            changes.Add(change);
            if (changes.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([first.Version, first.Version + 1, first.Version + 2], changes.Select(change => change.Change));
        Assert.Equal(["set", "set", "delete"], changes.Select(change => change.Kind));
        Assert.Equal(["a", "b", "a"], changes.Select(change => change.Key));
    }

    [Fact]
    public async Task ListKeysStreamsEveryPageOverCursors()
    {
        var buckets = await NewTenantAsync();
        var keys = Enumerable.Range(0, BucketsApiFactory.MaxEntriesPerBucket).Select(i => $"p/{i}").ToList();
        foreach (var key in keys)
        {
            await buckets.SetStringAsync(key, "v", cancellationToken: Ct);
        }

        var listed = new List<string>();
        await foreach (var key in buckets.ListKeysAsync("p/", pageSize: 2, Ct))
        {
            listed.Add(key);
        }

        Assert.Equal(keys, listed);
        var first = await buckets.ListPageAsync("p/", 2, cancellationToken: Ct);
        Assert.Equal(2, first.Keys.Count);
        Assert.NotNull(first.NextCursor);
    }

    [Fact]
    public async Task BatchPolicyStatsAndBucketFullAreTyped()
    {
        var buckets = await NewTenantAsync();

        var applied = await buckets.BatchAsync([new BatchRequestOperation("set", "a", Value: "1"), new BatchRequestOperation("set", "b", ValueBase64: "AAE=")], Ct);
        var refused = await Assert.ThrowsAsync<BatchNotAppliedException>(() => buckets.BatchAsync([new BatchRequestOperation("set", "c", Value: "1"), new BatchRequestOperation("set", "a", Value: "2", IfVersion: 999)], Ct));
        var policy = await buckets.SetPolicyAsync(new BucketPolicyDto("critical", 3600), Ct);
        for (var i = 0; i < BucketsApiFactory.MaxEntriesPerBucket - 2; i++)
        {
            await buckets.SetStringAsync($"fill{i}", "v", cancellationToken: Ct);
        }

        var full = await Assert.ThrowsAsync<BucketFullException>(() => buckets.SetStringAsync("one-too-many", "v", cancellationToken: Ct));
        var stats = await buckets.GetStatsAsync(Ct);
        var invalid = await Assert.ThrowsAsync<BucketsApiException>(() => buckets.SetPolicyAsync(new BucketPolicyDto("forever", null), Ct));

        Assert.True(applied.Applied);
        Assert.Equal(["created", "created"], applied.Results.Select(r => r.Status));
        Assert.Equal(["not-attempted", "version-mismatch"], refused.Results.Select(r => r.Status).Order(StringComparer.Ordinal));
        Assert.Equal(new BucketPolicyDto("critical", 3600), policy);
        Assert.Equal(HttpStatusCode.Conflict, full.Status);
        Assert.Equal(BucketsApiFactory.MaxEntriesPerBucket, stats.Entries);
        Assert.Equal("critical", stats.Policy.Durability);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.EndsWith("invalid-policy", invalid.ProblemType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportStreamsEnglangAndCsv()
    {
        var buckets = await NewTenantAsync();
        await buckets.SetStringAsync("=formula", "-1", cancellationToken: Ct);

        string englang;
        await using (var stream = await buckets.ExportAsync(cancellationToken: Ct))
        {
            englang = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(Ct);
        }

        string csv;
        await using (var stream = await buckets.ExportAsync(ExportFormat.Csv, Ct))
        {
            csv = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(Ct);
        }

        Assert.Contains("held \"=formula\" as \"-1\"", englang, StringComparison.Ordinal);
        var rows = CsvRows.Parse(csv);
        Assert.Equal(BucketCsvWriter.StateHeader, string.Join(',', rows[0]));
        Assert.Equal(["'=formula", "'-1", "text"], rows[1][..3]);
    }

    [Fact]
    public async Task AdminClientMintsRevokesAndRestores()
    {
        var id = "client-" + Guid.NewGuid().ToString("N")[..12];
        var minted = await Admin.MintKeyAsync(id, Ct);
        using var tenant = Services(factory.ClientOptions.BaseAddress, minted.ApiKey);
        var buckets = tenant.GetRequiredService<BucketsClient>();
        var first = await buckets.SetStringAsync("k", "before", cancellationToken: Ct);
        Assert.True(
            await Eventually.HoldsWithinAsync(TimeSpan.FromSeconds(20), async () => (await buckets.GetStatsAsync(Ct)).Backup.AcknowledgedChange >= first.Version),
            $"the backup never stored change {first.Version}");
        await buckets.SetStringAsync("k", "after", cancellationToken: Ct);

        var restored = await Admin.RestoreAsync(id, atChange: first.Version, cancellationToken: Ct);
        var value = await buckets.GetStringAsync("k", Ct);
        var revoked = await Admin.RevokeKeysAsync(id, Ct);
        var refused = await Assert.ThrowsAsync<BucketsApiException>(() => buckets.GetStatsAsync(Ct));
        var invalid = await Assert.ThrowsAsync<BucketsApiException>(() => Admin.RestoreAsync("Not A Bucket", cancellationToken: Ct));

        Assert.Equal(id, minted.Id);
        Assert.Equal(first.Version, restored.RestoredSeq);
        Assert.Equal("before", value);
        Assert.Equal(1, revoked.FirstValidSerial);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.EndsWith("invalid-id", invalid.ProblemType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A503WithRetryAfterIsRetriedAndOneWithoutIsNot()
    {
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK]);
        var stub = new StubHandler(() => answers.Dequeue(), retryAfter: true);
        using var services = Services(new Uri("http://127.0.0.1:9/"), "key", stub);
        var buckets = services.GetRequiredService<BucketsClient>();

        var list = await buckets.ListPageAsync(cancellationToken: Ct);

        Assert.Equal(3, stub.Calls);
        Assert.Empty(list.Keys);

        var noRetryAfter = new StubHandler(() => HttpStatusCode.ServiceUnavailable, retryAfter: false);
        using var other = Services(new Uri("http://127.0.0.1:9/"), "key", noRetryAfter);
        var unavailable = await Assert.ThrowsAsync<BucketsUnavailableException>(() => other.GetRequiredService<BucketsClient>().ListPageAsync(cancellationToken: Ct));
        Assert.Equal(1, noRetryAfter.Calls);
        Assert.Null(unavailable.RetryAfter);
    }

    private async Task<BucketsClient> NewTenantAsync()
    {
        var minted = await Admin.MintKeyAsync(cancellationToken: Ct);
        var tenant = Services(factory.ClientOptions.BaseAddress, minted.ApiKey);
        _tenants.Add(tenant);
        return tenant.GetRequiredService<BucketsClient>();
    }

    private static ServiceProvider Services(Uri baseAddress, string token, HttpMessageHandler? handler = null)
    {
        var services = new ServiceCollection();
        var tenant = services.AddBucketsClient(o => { o.BaseAddress = baseAddress; o.Token = token; });
        services.AddBucketsAdminClient(o => { o.BaseAddress = baseAddress; o.Token = token; });
        if (handler is not null)
        {
            tenant.ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Answers every request with the next status (503 as a problem, Retry-After 0 s when asked).</summary>
    private sealed class StubHandler(Func<HttpStatusCode> next, bool retryAfter) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            var status = next();
            var response = new HttpResponseMessage(status)
            {
                Content = status == HttpStatusCode.OK
                    ? new StringContent("""{"keys":[],"nextCursor":null}""", Encoding.UTF8, "application/json")
                    : new StringContent("""{"type":"https://buckets.dev/problems/unavailable","title":"The bucket is temporarily unavailable.","status":503}""", Encoding.UTF8, "application/problem+json"),
            };
            if (status != HttpStatusCode.OK && retryAfter)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            }

            return Task.FromResult(response);
        }
    }
}
