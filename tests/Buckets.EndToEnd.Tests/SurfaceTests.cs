using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// The real programs' surfaces: what the public and internal listeners serve, and that a request
/// without a valid credential is refused before a byte of its body is read, on both programs.
/// </summary>
[Trait("Category", "E2E")]
public sealed class SurfaceTests : IAsyncLifetime
{
    private const string AdminToken = Deployment.AdminToken;
    private const int AuthFailureLimit = 5;
    private const int DeclaredBodyBytes = 12 * 1024 * 1024;
    private const int MaxConnections = 32;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private ServiceProcess _silo = null!;
    private ServiceProcess _backup = null!;

    public async ValueTask InitializeAsync()
    {
        var secrets = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
            ["Buckets:Security:InternalToken"] = Deployment.InternalToken,
        };
        _silo = await ServerHarness.StartServerAsync(
            ServerHarness.NewWorkingDirectory(),
            new Dictionary<string, string>(secrets)
            {
                ["Buckets:Http:MaxConnections"] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Buckets:Http:MinRequestBodyGracePeriod"] = "00:00:02",
            },
            "surface-silo");
        var backupDirectory = ServerHarness.NewWorkingDirectory();
        _backup = await ServiceProcess.StartAsync(
            "surface-backup",
            RepoPaths.Assembly("backup-server/Buckets.BackupServer", "Buckets.BackupServer"),
            backupDirectory,
            FreePorts.Next(),
            new Dictionary<string, string>(secrets)
            {
                ["Backup:Store:DataDirectory"] = Path.Combine(backupDirectory, "backup-data"),
                ["Buckets:Http:AuthFailureLimit"] = AuthFailureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Buckets:Http:AuthFailureWindow"] = "00:01:00",
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _backup.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/metrics")]
    [InlineData("POST", "/admin/keys")]
    [InlineData("POST", "/internal/v1/backup/pull")]
    [InlineData("GET", "/openapi/internal.json")]
    [InlineData("GET", "/console/sign-in")]
    [InlineData("GET", "/console")]
    public async Task InternalEndpointsAre404OnThePublicPortOfTheSilo(string method, string path)
    {
        using var publicClient = new HttpClient { BaseAddress = _silo.BaseAddress };
        using var response = await publicClient.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheBackupServerDescribesItsAdminApiAndServesItsConsoleOnTheInternalPortOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var publicClient = new HttpClient { BaseAddress = _backup.BaseAddress };
        using var internalClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _backup.InternalAddress };

        using var publicDocument = await publicClient.GetAsync("/openapi/v1.json", ct);
        using var hiddenDocument = await publicClient.GetAsync("/openapi/internal.json", ct);
        using var hiddenConsole = await publicClient.GetAsync("/console/sign-in", ct);
        using var internalDocument = await internalClient.GetAsync("/openapi/internal.json", ct);
        using var signIn = await internalClient.GetAsync("/console/sign-in", ct);
        using var refused = await internalClient.GetAsync("/console", ct);

        Assert.Equal(HttpStatusCode.OK, publicDocument.StatusCode);
        Assert.Contains("\"/status\"", await publicDocument.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, hiddenDocument.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hiddenConsole.StatusCode);
        Assert.Equal(HttpStatusCode.OK, internalDocument.StatusCode);
        Assert.Contains("/admin/v1/backups/{bucketId}", await internalDocument.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/console/sign-in", refused.Headers.Location?.ToString());
    }

    [Fact]
    public async Task InternalPortServesMetricsAndAdminWhilePublicPortServesTheApiAndProbes()
    {
        using var internalClient = new HttpClient { BaseAddress = _silo.InternalAddress };
        using var metrics = await internalClient.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);

        var key = await ServerHarness.MintKeyAsync(_silo, AdminToken);
        using var publicClient = new HttpClient { BaseAddress = _silo.BaseAddress };
        publicClient.DefaultRequestHeaders.Authorization = new("Bearer", key.ApiKey);
        using var put = await publicClient.PutAsync("/v1/keys/k", new StringContent("v", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var ready = await publicClient.GetAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task UnauthenticatedPullIsRefusedBeforeItsBodyIsSent()
    {
        var answer = await SendHeadersOnlyAsync(_silo.InternalAddress, "/internal/v1/backup/pull", "application/json", bearer: null);
        Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodylessPullWithoutTokenIs401NotA400()
    {
        using var client = new HttpClient { BaseAddress = _silo.InternalAddress };
        using var response = await client.PostAsync("/internal/v1/backup/pull", content: null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminEndpointWithAWrongTokenIsRefusedBeforeItsBodyIsSent()
    {
        var answer = await SendHeadersOnlyAsync(_silo.InternalAddress, "/admin/keys", "application/json", bearer: "not-the-admin-token");
        Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnauthenticatedBatchToTheBackupServerIsRefusedBeforeItsBodyIsSent()
    {
        var answer = await SendHeadersOnlyAsync(_backup.InternalAddress, "/internal/v1/buckets/a/batches?epoch=1&toSeq=1", "application/octet-stream", bearer: null);
        Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwelveUnauthenticatedTwelveMegabytePullsLeaveTheSilosMemoryAlone()
    {
        // On the first version each such request was read and bound before the token was checked:
        // 2 s and +275 MB of RSS for one of them.
        var before = _silo.ResidentBytes();
        var clock = Stopwatch.StartNew();
        var body = Encoding.ASCII.GetBytes("{\"acks\":[" + string.Join(',', Enumerable.Repeat("{\"bucketId\":\"b\",\"epoch\":1,\"seq\":1,\"status\":0}", DeclaredBodyBytes / 48)) + "]}");
        var attempts = Enumerable.Range(0, 12).Select(async _ =>
        {
            using var client = new HttpClient { BaseAddress = _silo.InternalAddress, Timeout = AnswerTimeout };
            try
            {
                using var response = await client.PostAsync("/internal/v1/backup/pull", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                // The server may close the connection once it has answered 401 without reading the body.
                return HttpStatusCode.Unauthorized;
            }
        });
        var statuses = await Task.WhenAll(attempts);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        var grown = _silo.ResidentBytes() - before;
        Assert.True(grown < 64L * 1024 * 1024, $"RSS grew by {grown / (1024 * 1024)} MB over 12 refused 12 MB bodies");
        Assert.True(clock.Elapsed < AnswerTimeout, $"refusals took {clock.Elapsed}");
    }

    [Fact]
    public async Task BackupStatusWithoutATokenSaysOnlyWhetherItIsReady()
    {
        using var client = new HttpClient { BaseAddress = _backup.BaseAddress };
        using var status = await client.GetAsync("/status", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(json.RootElement.GetProperty("ready").GetBoolean());
        Assert.False(json.RootElement.TryGetProperty("lastPullBySilo", out _), "the unauthenticated status names no silo");

        using var internalClient = new HttpClient { BaseAddress = _backup.InternalAddress };
        using var refused = await internalClient.GetAsync("/admin/v1/status", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        internalClient.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        var details = await internalClient.GetFromJsonAsync<JsonElement>("/admin/v1/status", TestContext.Current.CancellationToken);
        Assert.True(details.TryGetProperty("lastPullBySilo", out _), details.ToString());
    }

    [Fact]
    public async Task RepeatedFailedAuthenticationsFromOneAddressGet429UntilTheWindowEnds()
    {
        using var client = new HttpClient { BaseAddress = _backup.InternalAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "guessing-the-admin-token");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < AuthFailureLimit + 1; i++)
        {
            using var response = await client.GetAsync("/admin/v1/backups", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(AuthFailureLimit), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // While blocked the address is refused whatever it presents, so guessing gains nothing.
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        using var blocked = await client.GetAsync("/admin/v1/backups", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 says when to retry");
    }

    [Fact]
    public async Task ABodyTrickledBelowTheMinimumRateIsCutOff()
    {
        var key = await ServerHarness.MintKeyAsync(_silo, AdminToken);
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        await tcp.ConnectAsync(IPAddress.Loopback, _silo.BaseAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PUT /v1/keys/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key.ApiKey}\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"), timeout.Token);

        // 100 bytes every 100 ms is 1 KB/s: above Kestrel's own floor (240 B/s), which would let it hold
        // the connection for the 100 s the body takes, but far below the raised 16 KiB/s floor.
        var clock = Stopwatch.StartNew();
        var closed = false;
        while (clock.Elapsed < AnswerTimeout && !closed)
        {
            try
            {
                await stream.WriteAsync(new byte[100], timeout.Token);
                await Task.Delay(100, timeout.Token);
                closed = tcp.Client.Poll(0, SelectMode.SelectRead);
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the connection stayed open");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"cut off only after {clock.Elapsed}");
    }

    [Fact]
    public async Task ConnectionsPastTheCapAreClosedAtAccept()
    {
        var sockets = new List<TcpClient>();
        try
        {
            for (var i = 0; i < MaxConnections + 8; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, _silo.BaseAddress.Port, TestContext.Current.CancellationToken);
                sockets.Add(tcp);
            }

            // Kestrel accepts and at once closes a connection over the cap: its read ends (0 bytes) without a request.
            var closed = await Poll.UntilAsync(
                () => Task.FromResult(sockets.Count(s => s.Client.Poll(0, SelectMode.SelectRead) && s.Client.Available == 0)),
                count => count >= 8,
                TimeSpan.FromSeconds(10),
                "connections over the cap closed");
            Assert.InRange(closed, 8, MaxConnections + 8);
        }
        finally
        {
            foreach (var tcp in sockets)
            {
                tcp.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("https://127.0.0.1:0")]
    [InlineData("not a url")]
    public async Task AnInternalUrlThatIsNotHttpStopsStartUpNamingIt(string url)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerHarness.StartServerAsync(
            ServerHarness.NewWorkingDirectory(),
            new Dictionary<string, string> { ["Buckets:Http:InternalUrls"] = url },
            "bad-internal-url"));
        Assert.Contains($"'{url}' is not an http URL", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Sends a POST's headers declaring a 12 MB body and then nothing, and returns the status line the
    /// server answers with: an answer proves the server decided without reading the body.
    /// </summary>
    private static async Task<string> SendHeadersOnlyAsync(Uri server, string pathAndQuery, string contentType, string? bearer)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        var headers = new StringBuilder()
            .Append("POST ").Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(DeclaredBodyBytes).Append("\r\n");
        if (bearer is not null)
        {
            headers.Append("Authorization: Bearer ").Append(bearer).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers.Append("\r\n").ToString()), timeout.Token);
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
