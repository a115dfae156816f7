using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Buckets.Backup.Events;
using Buckets.Backup.Storage;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Server.Tests;

/// <summary>
/// <c>GET /admin/v1/events</c> and the paged <c>GET /admin/v1/backups</c> on the development host, which
/// runs the backup service in process (so it registers the event log and maps the endpoints too).
/// </summary>
[Collection(BucketsApiGroup.Name)]
public sealed class BackupAdminApiTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventsNeedTheAdminToken()
    {
        using var anonymous = factory.AnonymousClient();
        using var withInternalToken = factory.ClientFor(BucketsApiFactory.InternalToken);

        using var none = await anonymous.GetAsync(KeysApi.Relative("/admin/v1/events"), Ct);
        using var wrong = await withInternalToken.GetAsync(KeysApi.Relative("/admin/v1/events"), Ct);

        await ProblemAssert.StatusAsync(none, HttpStatusCode.Unauthorized);
        await ProblemAssert.StatusAsync(wrong, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("kind=DiskFull")]
    [InlineData("kind=3")]
    [InlineData("kind=")]
    [InlineData("severity=loud")]
    [InlineData("severity=1")]
    [InlineData("cursor=abc")]
    [InlineData("cursor=0")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    public async Task ABadEventQueryIsA400Problem(string query)
    {
        using var admin = factory.AdminClient();

        using var response = await admin.GetAsync(KeysApi.Relative("/admin/v1/events?" + query), Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-event-query");
    }

    [Fact]
    public async Task EventsAnswerNewestFirstFilteredByKindAndLeastSeverityWithACursor()
    {
        var events = factory.Services.GetRequiredService<BackupEventLog>();
        var subject = Guid.NewGuid().ToString("N");
        events.Raise(BackupEventKind.ServerUnreachable, BackupEventSeverity.Warning, "first " + subject);
        events.Raise(BackupEventKind.ServerUnreachable, BackupEventSeverity.Failure, "second " + subject);
        events.Raise(BackupEventKind.ServerBack, BackupEventSeverity.Warning, "third " + subject);
        using var admin = factory.AdminClient();

        var unreachable = await GetAsync(admin, "/admin/v1/events?kind=serverUnreachable&limit=1");
        var page = unreachable.GetProperty("events");
        Assert.Equal(1, page.GetArrayLength());
        Assert.Equal("second " + subject, page[0].GetProperty("summary").GetString());
        Assert.Equal("Failure", page[0].GetProperty("severity").GetString());
        var next = unreachable.GetProperty("next").GetString();
        Assert.NotNull(next);

        var older = await GetAsync(admin, $"/admin/v1/events?kind=ServerUnreachable&limit=1&cursor={next}");
        Assert.Equal("first " + subject, older.GetProperty("events")[0].GetProperty("summary").GetString());

        var failures = await GetAsync(admin, "/admin/v1/events?severity=failure&limit=1000");
        Assert.All(failures.GetProperty("events").EnumerateArray(), e => Assert.Equal("Failure", e.GetProperty("severity").GetString()));

        var both = await GetAsync(admin, "/admin/v1/events?kind=ServerBack&kind=ServerUnreachable&limit=3");
        Assert.Equal(["third", "second", "first"], both.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("summary").GetString()!.Split(' ')[0]));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=10001")]
    [InlineData("limit=x")]
    [InlineData("after=Not-An-Id")]
    [InlineData("after=")]
    public async Task ABadBucketListQueryIsA400Problem(string query)
    {
        using var admin = factory.AdminClient();

        using var response = await admin.GetAsync(KeysApi.Relative("/admin/v1/backups?" + query), Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-list-query");
    }

    [Fact]
    public async Task TheBucketListPagesByTheLinkHeaderAndKeepsItsFields()
    {
        var store = factory.Services.GetRequiredService<IBackupStore>();
        var mine = Enumerable.Range(0, 5).Select(i => $"list-{Guid.NewGuid():N}"[..20] + i).ToList();
        foreach (var id in mine)
        {
            await store.OpenEpochAsync(id, Ct);
        }

        using var admin = factory.AdminClient();
        var seen = new List<string>();
        var next = new Uri("/admin/v1/backups?limit=2", UriKind.Relative);
        for (var pages = 0; next is not null && pages < 1000; pages++)
        {
            using var response = await admin.GetAsync(next, Ct);
            await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
            var items = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(JsonValueKind.Array, items.ValueKind);
            Assert.InRange(items.GetArrayLength(), 0, 2);
            foreach (var item in items.EnumerateArray())
            {
                seen.Add(item.GetProperty("id").GetString()!);
                Assert.True(item.TryGetProperty("lastStored", out _), "each item keeps its lastStored field");
            }

            next = response.Headers.TryGetValues("Link", out var links) ? LinkTarget(links.Single()) : null;
        }

        Assert.Null(next);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(mine, id => Assert.Contains(id, seen));
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(KeysApi.Relative(path), Ct);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>The target of <c>&lt;...&gt;; rel="next"</c>.</summary>
    private static Uri LinkTarget(string link)
    {
        Assert.EndsWith("; rel=\"next\"", link, StringComparison.Ordinal);
        return new Uri(link[1..link.IndexOf('>', StringComparison.Ordinal)], UriKind.Relative);
    }
}
