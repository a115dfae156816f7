using System.Net;
using System.Text.RegularExpressions;
using Buckets.Hosting.OpenApi;
using Buckets.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Buckets.Server.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> and <c>/openapi/internal.json</c>, read back with Microsoft.OpenApi: every
/// mapped route is described, every answer the API gives is listed, errors are problem+json and
/// credentials name the bearer scheme. The server hosts the backup service (development profile),
/// so its admin routes are checked too.
/// </summary>
[Collection(BucketsApiGroup.Name)]
public sealed partial class OpenApiDocumentTests(BucketsApiFactory factory)
{
    // Routes that are not API operations: probes and the Prometheus scrape (documented in the README),
    // the description itself, and the console's HTML pages (for people, behind a session cookie).
    private static readonly string[] NotOperations = ["/healthz", "/readyz", "/metrics", "/openapi/", "/docs", "/console"];

    /// <summary>What each operation answers, as the README's HTTP API table and the handlers say.</summary>
    private static readonly (string Method, string Path, int[] Statuses)[] Expected =
    [
        ("GET", "/v1/keys/{key}", [200, 304, 400, 401, 404, 429, 503]),
        ("PUT", "/v1/keys/{key}", [201, 204, 400, 401, 409, 412, 413, 415, 429, 503]),
        ("DELETE", "/v1/keys/{key}", [204, 400, 401, 404, 412, 429, 503]),
        ("GET", "/v1/keys", [200, 400, 401, 429, 503]),
        ("POST", "/v1/batch", [200, 400, 401, 409, 413, 415, 429, 503]),
        ("GET", "/v1/bucket", [200, 401, 429, 503]),
        ("PUT", "/v1/bucket/policy", [200, 400, 401, 413, 415, 429, 503]),
        ("GET", "/v1/bucket/export", [200, 400, 401, 429, 503]),
        ("DELETE", "/v1/bucket", [204, 401, 429, 503]),
        ("GET", "/v1/changes", [200, 400, 401, 409, 410, 429, 503]),
        ("POST", "/admin/keys", [201, 400, 401, 413, 415, 429]),
        ("POST", "/admin/keys/{id}/revoke", [200, 400, 401, 429]),
        ("POST", "/admin/buckets/{bucketId}/restore", [200, 400, 401, 404, 410, 422, 429, 503]),
        ("GET", "/admin/v1/backups", [200, 401, 429]),
        ("GET", "/admin/v1/backups/{bucketId}", [200, 400, 401, 404, 429]),
        ("POST", "/admin/v1/backups/{bucketId}/repair", [200, 400, 401, 404, 429]),
        ("GET", "/admin/v1/status", [200, 401, 429]),
        ("GET", "/status", [200, 503]),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMappedRouteIsInOneOfTheDocuments()
    {
        var documents = await LoadBothAsync();
        var described = documents.SelectMany(d => Operations(d.Document)).Select(o => (o.Method, o.Path)).ToHashSet();

        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .Select(e => (Path: Normalise(e.RoutePattern.RawText ?? ""), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods))
            .Where(e => !NotOperations.Any(prefix => e.Path.StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(e => e.Methods.Select(m => (Method: m, e.Path)))
            .ToList();

        Assert.NotEmpty(mapped);
        var missing = mapped.Where(route => !described.Contains(route)).ToList();
        Assert.True(missing.Count == 0, "Mapped but not described: " + string.Join(", ", missing.Select(m => $"{m.Method} {m.Path}")));
    }

    [Fact]
    public async Task EveryOperationListsEveryStatusItAnswers()
    {
        var documents = await LoadBothAsync();
        var operations = documents.SelectMany(d => Operations(d.Document)).ToDictionary(o => (o.Method, o.Path), o => o.Operation);

        var problems = new List<string>();
        foreach (var (method, path, statuses) in Expected)
        {
            if (!operations.TryGetValue((method, path), out var operation))
            {
                problems.Add($"{method} {path} is not described");
                continue;
            }

            var listed = operation.Responses?.Keys.ToHashSet() ?? [];
            problems.AddRange(statuses.Where(s => !listed.Contains(s.ToString(System.Globalization.CultureInfo.InvariantCulture))).Select(s => $"{method} {path} lacks {s}"));
        }

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public async Task ErrorsAreProblemJsonAndCredentialsNameTheBearerScheme()
    {
        foreach (var (name, document) in await LoadBothAsync())
        {
            Assert.Equal(SecuritySchemeType.Http, document.Components?.SecuritySchemes?[ApiDocuments.BearerScheme].Type);
            foreach (var (method, path, operation) in Operations(document))
            {
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    // /status answers 503 with its readiness JSON: not a problem, the answer itself.
                    if (status[0] is '4' or '5' && path != "/status")
                    {
                        Assert.True(response.Content?.ContainsKey("application/problem+json") == true, $"{name}: {method} {path} {status} is not problem+json");
                    }
                }

                if (path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/admin/", StringComparison.Ordinal))
                {
                    var schemes = operation.Security?.SelectMany(r => r.Keys).Select(k => k.Reference.Id).ToList() ?? [];
                    Assert.True(schemes.Contains(ApiDocuments.BearerScheme), $"{name}: {method} {path} names no bearer scheme");
                }
            }
        }
    }

    [Fact]
    public async Task TheTenantDocumentCarriesLimitsAndExamples()
    {
        var (_, document) = (await LoadBothAsync())[0];
        var operations = Operations(document).ToDictionary(o => (o.Method, o.Path), o => o.Operation);

        var batch = operations[("POST", "/v1/batch")];
        Assert.NotNull(batch.RequestBody?.Content?["application/json"].Example);
        Assert.Contains($"1 to {BucketsApiFactory.MaxBatchOperations} operations", batch.Description, StringComparison.Ordinal);
        var list = operations[("GET", "/v1/keys")];
        Assert.Contains(list.Parameters ?? [], p => p.Name == "limit" && p.Description!.Contains($"1 to {BucketsApiFactory.MaxListLimit}", StringComparison.Ordinal));
        var put = operations[("PUT", "/v1/keys/{key}")];
        Assert.Contains($"at most {BucketsApiFactory.MaxValueBytes} bytes", put.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Operations(document), o => o.Path.StartsWith("/admin", StringComparison.Ordinal) || o.Path.StartsWith("/internal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheReferencePageLoadsItsScriptFromThisServer()
    {
        using var client = factory.AnonymousClient();

        var page = await client.GetStringAsync(KeysApi.Relative(ApiDocuments.DocsPath + "/"), Ct);
        using var script = await client.GetAsync(KeysApi.Relative(ApiDocuments.DocsPath + "/scalar.js"), Ct);

        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
        var sources = ScriptSources().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, src => Assert.DoesNotContain("//", src, StringComparison.Ordinal));
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", page, StringComparison.Ordinal);
        await ProblemAssert.StatusAsync(script, HttpStatusCode.OK);
        Assert.True((await script.Content.ReadAsByteArrayAsync(Ct)).Length > 100_000, "scalar.js is not the bundled script");
    }

    private async Task<List<(string Name, OpenApiDocument Document)>> LoadBothAsync()
    {
        using var client = factory.AnonymousClient();
        var documents = new List<(string, OpenApiDocument)>();
        foreach (var name in new[] { ApiDocuments.Public, ApiDocuments.Internal })
        {
            using var response = await client.GetAsync(KeysApi.Relative($"/openapi/{name}.json"), Ct);
            await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
            await using var stream = await response.Content.ReadAsStreamAsync(Ct);
            var read = await OpenApiDocument.LoadAsync(stream, "json", cancellationToken: Ct);
            Assert.True(read.Diagnostic?.Errors.Count is null or 0, $"{name}: " + string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? []));
            Assert.NotNull(read.Document);
            documents.Add((name, read.Document));
        }

        return documents;
    }

    private static IEnumerable<(string Method, string Path, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        from path in document.Paths
        from operation in path.Value.Operations ?? []
        select (operation.Key.Method.ToUpperInvariant(), path.Key, operation.Value);

    /// <summary>A route pattern as the document writes its path: no catch-all stars, no constraints.</summary>
    private static string Normalise(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m => "{" + m.Groups[1].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSources();
}
