using System.Text;
using BenchmarkDotNet.Attributes;
using Buckets.Core.Security;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Buckets.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Buckets.Benchmarks.Http;

/// <summary>
/// The endpoint gate every request passes before its endpoint: surface check, credential and body
/// limit. A tenant request with a cached valid key is the hot path; a public probe has no credential.
/// </summary>
[MemoryDiagnoser]
public class EndpointGuardBenchmarks
{
    private const string AdminToken = "bench-admin-token-0123456789abcdef0123456789";
    private EndpointGuardMiddleware _guard = null!;
    private DefaultHttpContext _tenant = null!;
    private DefaultHttpContext _probe = null!;
    private DefaultHttpContext _admin = null!;

    [GlobalSetup]
    public void Setup()
    {
        var authority = new ApiKeyAuthority(Encoding.UTF8.GetBytes("bench-cluster-secret-0123456789abcdef0123"));
        var surfaces = new HttpSurfaceOptions();
        var security = new SecurityOptions { AdminToken = AdminToken, ClusterSecret = "bench-cluster-secret-0123456789abcdef0123" };
        _guard = new EndpointGuardMiddleware(
            _ => Task.CompletedTask,
            new HttpSurfaces(),
            new AuthFailureLimiter(Options.Create(surfaces), TimeProvider.System),
            new InternalToken(security.ClusterSecret),
            Options.Create(security),
            new ApiKeyValidator(authority));
        _tenant = Context(new RequireCredentialAttribute(Credential.ApiKey), authority.Mint("3f9c2e1b7a4d5e6f8091"));
        _probe = Context(null, null);
        _admin = Context(new RequireCredentialAttribute(Credential.AdminToken), AdminToken);
        _guard.InvokeAsync(_tenant).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task TenantRequestWithACachedKey() => _guard.InvokeAsync(_tenant);

    [Benchmark]
    public Task ProbeWithoutCredential() => _guard.InvokeAsync(_probe);

    [Benchmark]
    public Task AdminRequest() => _guard.InvokeAsync(_admin);

    private static DefaultHttpContext Context(object? credential, string? bearer)
    {
        var context = new DefaultHttpContext();
        if (bearer is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + bearer;
        }

        var metadata = credential is null ? new EndpointMetadataCollection() : new EndpointMetadataCollection(credential);
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, metadata, "bench"));
        return context;
    }
}
