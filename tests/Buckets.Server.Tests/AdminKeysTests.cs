using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>POST /admin/keys</c>: minting API keys behind the admin token.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class AdminKeysTests(BucketsApiFactory factory)
{
    private static readonly Uri Keys = KeysApi.Relative("/admin/keys");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mint_without_body_creates_a_random_id_and_a_working_key()
    {
        using var admin = factory.AdminClient();
        using var response = await admin.PostAsync(Keys, content: null, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var id = body.RootElement.GetProperty("id").GetString();
        var apiKey = body.RootElement.GetProperty("apiKey").GetString();
        Assert.NotNull(id);
        Assert.NotNull(apiKey);
        Assert.Matches("^[0-9a-f]{20}$", id);
        Assert.StartsWith(id + ".", apiKey, StringComparison.Ordinal);
        Assert.True(apiKey.Length > id.Length + 1, "The key must carry a secret after the id.");

        using var client = factory.ClientFor(apiKey);
        using var stats = await client.GetAsync(KeysApi.Relative("/v1/bucket"), Ct);
        await ProblemAssert.StatusAsync(stats, HttpStatusCode.OK);
        using var statsBody = JsonDocument.Parse(await stats.Content.ReadAsStringAsync(Ct));
        Assert.Equal(id, statsBody.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Two_mints_without_body_get_different_ids()
    {
        var first = await factory.MintKeyAsync();
        var second = await factory.MintKeyAsync();

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.ApiKey, second.ApiKey);
    }

    [Fact]
    public async Task Mint_with_an_id_uses_it()
    {
        using var admin = factory.AdminClient();
        using var content = JsonContent.Create(new { id = "alice-1" });
        using var response = await admin.PostAsync(Keys, content, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("alice-1", body.RootElement.GetProperty("id").GetString());
        Assert.StartsWith("alice-1.", body.RootElement.GetProperty("apiKey").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"id\":null}")]
    [InlineData("null")]
    public async Task Mint_with_a_body_without_id_creates_a_random_id(string json)
    {
        using var admin = factory.AdminClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(Keys, content, Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Matches("^[0-9a-f]{20}$", body.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Minting_the_same_id_twice_gives_the_same_key()
    {
        var first = await factory.MintKeyAsync("same-id_twice");
        var second = await factory.MintKeyAsync("same-id_twice");

        Assert.Equal(first.ApiKey, second.ApiKey);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("UPPER")]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("slash/ed")]
    [InlineData("ünicode")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Mint_with_an_invalid_id_is_400(string id)
    {
        using var admin = factory.AdminClient();
        using var content = JsonContent.Create(new { id });
        using var response = await admin.PostAsync(Keys, content, Ct);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-id");
        Assert.Contains("64", ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_with_the_longest_id_is_accepted()
    {
        var id = new string('a', 64);

        var minted = await factory.MintKeyAsync(id);

        Assert.Equal(id, minted.Id);
    }

    [Fact]
    public async Task Mint_without_admin_token_is_401()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.PostAsync(Keys, content: null, Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("wrong-admin-token-0123456789abcdef")]
    [InlineData("test-admin-token-0123456789abcde")]
    [InlineData("test-admin-token-0123456789abcdefX")]
    [InlineData("x")]
    public async Task Mint_with_a_wrong_admin_token_is_401(string token)
    {
        using var client = factory.ClientFor(token);
        using var response = await client.PostAsync(Keys, content: null, Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Mint_with_the_admin_token_under_another_scheme_is_401()
    {
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", BucketsApiFactory.AdminToken);
        using var response = await client.PostAsync(Keys, content: null, Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Mint_with_an_api_key_instead_of_the_admin_token_is_401()
    {
        var minted = await factory.MintKeyAsync();
        using var client = factory.ClientFor(minted.ApiKey);
        using var response = await client.PostAsync(Keys, content: null, Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("{\"id\":")]
    [InlineData("{id: 'x'}")]
    [InlineData("\"alice\"")]
    [InlineData("{\"id\": 42}")]
    [InlineData("{\"id\":\"bob\",\"name\":\"extra\"}")]
    public async Task Mint_with_malformed_json_is_400(string json)
    {
        using var admin = factory.AdminClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(Keys, content, Ct);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-json");
        Assert.Contains("JSON", ProblemAssert.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_with_a_non_json_body_is_415()
    {
        using var admin = factory.AdminClient();
        using var content = new StringContent("{\"id\":\"carol\"}", Encoding.UTF8, "text/plain");
        using var response = await admin.PostAsync(Keys, content, Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }
}
