using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// The web console in a real browser: the development server as a process, Debian's headless
/// Chromium driven by playwright-core (tests/console/browser-test.mjs). The script signs in, finds
/// the bucket, filters its history, views its state as of a time, downloads the CSV and checks it,
/// restores after the confirmation, checks every page refuses without sign-in and that no request
/// leaves 127.0.0.1, and writes one screenshot per page to docs/console/.
/// </summary>
[Trait("Category", "E2E")]
public sealed class ConsoleBrowserTests
{
    // npm install (cached after the first run) plus one browser session; the script bounds itself at 90 s.
    private static readonly TimeSpan NpmBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan BrowserBound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AnOperatorSignsInFindsABucketFiltersItsHistoryViewsItsPastStateAndDownloadsItsCsv()
    {
        var workDir = ServerHarness.NewWorkingDirectory();
        await using var server = await ServerHarness.StartServerAsync(workDir, new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
            ["Backup:Console:SampleInterval"] = "00:00:01",
        });
        var key = await ServerHarness.MintKeyAsync(server, Deployment.AdminToken, "ledger-2026");
        using var client = server.CreateClient(key.ApiKey);
        await PutAsync(client, "cart/apples", "3 apples");
        await PutAsync(client, "=formula", "+1");
        var before = await PutAsync(client, "notes/welcome", "hello");
        await WaitStoredAsync(client, before);
        // A point strictly between the first writes and the later ones, in the form's own format.
        var at = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > at.AddMilliseconds(20), TimeSpan.FromSeconds(1), "the clock to pass the chosen point");
        await PutAsync(client, "cart/apples", "4 apples");
        var last = await PutAsync(client, "cart/pears", "2 pears");
        await WaitStoredAsync(client, last);

        var consoleDir = Path.Combine(RepoPaths.Root, "tests", "console");
        var screenshots = Path.Combine(RepoPaths.Root, "docs", "console");
        Directory.CreateDirectory(screenshots);
        if (!Directory.Exists(Path.Combine(consoleDir, "node_modules", "playwright-core")))
        {
            var (npmExit, npmOutput) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], consoleDir, new Dictionary<string, string>(), NpmBound);
            Assert.True(npmExit == 0, "npm ci failed:\n" + npmOutput);
        }

        var (exit, output) = await RunAsync("node", ["browser-test.mjs"], consoleDir, new Dictionary<string, string>
        {
            ["CONSOLE_URL"] = server.InternalAddress.ToString().TrimEnd('/'),
            ["DOCS_URL"] = new Uri(server.BaseAddress, "/docs/").ToString(),
            ["ADMIN_TOKEN"] = Deployment.AdminToken,
            ["BUCKET_ID"] = key.Id,
            ["STATE_AT"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture),
            ["SCREENSHOT_DIR"] = screenshots,
        }, BrowserBound);

        Assert.True(exit == 0, $"the browser test failed ({exit}):\n{output}\n--- server ---\n{server.Output}");
        Assert.Contains("console browser test passed", output, StringComparison.Ordinal);
        foreach (var page in new[] { "sign-in", "buckets", "bucket", "history", "state", "restore-confirm", "health", "api-reference" })
        {
            Assert.True(File.Exists(Path.Combine(screenshots, page + ".png")), $"no screenshot of {page}");
        }

        Assert.Equal("3 apples", await client.GetStringAsync("/v1/keys/cart%2Fapples"));
    }

    private static async Task<long> PutAsync(HttpClient client, string key, string value)
    {
        using var response = await client.PutAsync("/v1/keys/" + Uri.EscapeDataString(key), new StringContent(value, Encoding.UTF8, "text/plain"));
        Assert.True(response.IsSuccessStatusCode, $"PUT {key}: {(int)response.StatusCode}");
        return long.Parse(response.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
    }

    private static Task<BucketStatsResponse?> WaitStoredAsync(HttpClient client, long change) =>
        Poll.UntilAsync(
            () => client.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket"),
            stats => stats!.Backup.AcknowledgedChange >= change,
            TimeSpan.FromSeconds(20),
            $"the backup to store change {change}");

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] args, string directory, Dictionary<string, string> environment, TimeSpan bound)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} ran past {bound}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }
}
