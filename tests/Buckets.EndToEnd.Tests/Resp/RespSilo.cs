using System.Net.Http.Json;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;
using StackExchange.Redis;

namespace Buckets.EndToEnd.Tests.Resp;

/// <summary>One development-profile silo shared by the RESP tests (each test mints its own API key, so buckets never overlap).</summary>
public sealed class RespSilo : IAsyncLifetime
{
    public Deployment Deployment { get; private set; } = null!;

    public int Port => Deployment.Silo!.RespPort;

    public async ValueTask InitializeAsync() => Deployment = await Deployment.StartAsync();

    public async ValueTask DisposeAsync() => await Deployment.DisposeAsync();

    /// <summary>A fresh bucket: its API key and an HTTP client bearing it.</summary>
    public async Task<(string ApiKey, HttpClient Http)> NewBucketAsync(string? durability = null)
    {
        var key = await ServerHarness.MintKeyAsync(Deployment.Silo!, Deployment.AdminToken);
        var http = Deployment.Silo!.CreateClient(key.ApiKey);
        if (durability is not null)
        {
            using var response = await http.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto(durability, null));
            Assert.True(response.IsSuccessStatusCode, $"policy: {(int)response.StatusCode}");
        }

        return (key.ApiKey, http);
    }

    /// <summary>A StackExchange.Redis connection whose password is the API key, as an application would configure it.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(int port, string apiKey) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Password = apiKey,
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
            SyncTimeout = 10_000,
            AsyncTimeout = 10_000,
        });
}

/// <summary>The RESP tests that share one silo.</summary>
[CollectionDefinition(Name)]
public sealed class RespSiloGroup : ICollectionFixture<RespSilo>
{
    public const string Name = "RESP silo";
}
