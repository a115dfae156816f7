using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Buckets.Core.Security;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>API keys guard every <c>/v1</c> endpoint, before any input is looked at, and scope a caller to its own bucket.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class AuthenticationTests(BucketsApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/v1/keys/some-key" },
        { "PUT", "/v1/keys/some-key" },
        { "DELETE", "/v1/keys/some-key" },
        { "GET", "/v1/keys" },
        { "POST", "/v1/batch" },
        { "GET", "/v1/bucket" },
        { "PUT", "/v1/bucket/policy" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Missing_authorization_is_401_on_every_v1_endpoint(string method, string path)
    {
        using var client = factory.AnonymousClient();
        using var response = await client.SendToAsync(new HttpMethod(method), KeysApi.Relative(path), KeysApi.Text("x"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Requests_sharing_one_connection_are_each_the_caller_their_own_key_names()
    {
        // The caller is a request feature: Kestrel reuses a connection's features, so nothing of one
        // request's caller may reach the next request on that connection.
        var first = await factory.MintKeyAsync();
        var second = await factory.MintKeyAsync();
        using var client = factory.AnonymousClient();
        void As(HttpRequestMessage request, string apiKey) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        using (var put = await client.PutTextAsync("shared-connection", "first's", configure: r => As(r, first.ApiKey)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using (var anonymous = await client.GetKeyAsync("shared-connection"))
        {
            await ProblemAssert.IsAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var other = await client.GetKeyAsync("shared-connection", r => As(r, second.ApiKey)))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using var own = await client.GetKeyAsync("shared-connection", r => As(r, first.ApiKey));
        Assert.Equal("first's", await own.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("nodot")]
    [InlineData(".secretwithoutid")]
    [InlineData("abc.")]
    [InlineData("abc.short")]
    [InlineData("UPPER.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("abc.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task Malformed_api_key_is_401(string apiKey)
    {
        using var client = factory.ClientFor(apiKey);
        using var response = await client.GetKeyAsync("anything");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Authorization_with_another_scheme_is_401()
    {
        var minted = await factory.MintKeyAsync();
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(minted.ApiKey)));
        using var response = await client.GetKeyAsync("anything");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("Bearer {0}")]
    [InlineData("bearer {0}")]
    [InlineData("BEARER   {0}  ")]
    public async Task Valid_key_is_accepted_with_any_scheme_case(string headerTemplate)
    {
        var minted = await factory.MintKeyAsync();
        using var client = factory.AnonymousClient();
        var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, headerTemplate, minted.ApiKey);

        using var response = await client.SendToAsync(HttpMethod.Get, KeysApi.Relative("/v1/bucket"), configure: r => r.Headers.TryAddWithoutValidation("Authorization", header));

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Forged_secret_for_a_valid_id_is_401()
    {
        var minted = await factory.MintKeyAsync();
        var secret = minted.ApiKey[(minted.Id.Length + 1)..];
        var flipped = (secret[0] == 'A' ? 'B' : 'A') + secret[1..];
        using var wrongSecret = factory.ClientFor(minted.Id + "." + flipped);
        using var allAs = factory.ClientFor(minted.Id + "." + new string('A', secret.Length));

        using var first = await wrongSecret.GetKeyAsync("anything");
        using var second = await allAs.GetKeyAsync("anything");

        await ProblemAssert.IsAsync(first, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(second, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Secret_of_one_id_does_not_open_another_id()
    {
        var alice = await factory.MintKeyAsync();
        var bob = await factory.MintKeyAsync();
        var aliceSecret = alice.ApiKey[(alice.Id.Length + 1)..];

        using var client = factory.ClientFor(bob.Id + "." + aliceSecret);
        using var response = await client.GetKeyAsync("anything");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Key_minted_under_another_cluster_secret_is_401()
    {
        var minted = await factory.MintKeyAsync();
        var otherCluster = new ApiKeyAuthority([new SigningKey(minted.SigningKeyId, RandomNumberGenerator.GetBytes(32))], minted.SigningKeyId);
        var foreignKey = otherCluster.Mint(minted.Id, minted.Serial);
        Assert.NotEqual(minted.ApiKey, foreignKey);

        using var foreign = factory.ClientFor(foreignKey);
        using var response = await foreign.GetAsync(KeysApi.Relative("/v1/bucket"), Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Key_minted_with_the_cluster_secret_offline_is_accepted()
    {
        var offline = new ApiKeyAuthority([new SigningKey(ApiKeyAuthority.LegacyKeyId, Convert.FromHexString(BucketsApiFactory.ClusterSecret))], ApiKeyAuthority.LegacyKeyId);
        var id = ApiKeyAuthority.NewId();
        using var client = factory.ClientFor(offline.Mint(id, serial: 0));

        using var response = await client.GetAsync(KeysApi.Relative("/v1/bucket"), Ct);

        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Admin_token_is_not_an_api_key()
    {
        using var client = factory.AdminClient();
        using var response = await client.GetKeyAsync("anything");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Bad_key_gets_401_before_the_key_path_is_validated()
    {
        using var client = factory.ClientFor("not-a-key");

        using var controlChar = await client.SendToAsync(HttpMethod.Put, KeysApi.Relative("/v1/keys/bad%01key?ttl=abc"), KeysApi.Bytes([0xFF], "application/x-www-form-urlencoded"));
        using var tooLong = await client.GetAsync(KeysApi.Relative("/v1/keys/" + new string('k', 600)), Ct);
        using var emptyKey = await client.SendToAsync(HttpMethod.Delete, KeysApi.Relative("/v1/keys/"));

        await ProblemAssert.IsAsync(controlChar, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(tooLong, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(emptyKey, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Bad_key_gets_401_before_the_body_is_read()
    {
        using var client = factory.ClientFor("not-a-key");

        using var tooLarge = await client.SendToAsync(HttpMethod.Put, KeysApi.KeyUri("big"), KeysApi.Bytes(new byte[BucketsApiFactory.MaxValueBytes * 4], KeysApi.OctetStream));
        using var badBatch = await client.SendToAsync(HttpMethod.Post, KeysApi.Relative("/v1/batch"), new StringContent("{not json", Encoding.UTF8, "text/plain"));
        using var badList = await client.GetAsync(KeysApi.Relative("/v1/keys?limit=0&cursor=%21%21"), Ct);

        await ProblemAssert.IsAsync(tooLarge, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(badBatch, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(badList, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task One_key_never_reads_another_keys_entry()
    {
        using var alice = await factory.NewBucketClientAsync();
        using var bob = await factory.NewBucketClientAsync();
        await alice.MustPutAsync("shared-name", "alice's secret");

        using var bobGet = await bob.GetKeyAsync("shared-name");
        await ProblemAssert.IsAsync(bobGet, HttpStatusCode.NotFound, "not-found");
        Assert.Empty((await bob.ListAllAsync()).Keys);
        using var bobDelete = await bob.DeleteKeyAsync("shared-name");
        await ProblemAssert.IsAsync(bobDelete, HttpStatusCode.NotFound, "not-found");

        using var bobPut = await bob.PutTextAsync("shared-name", "bob's value");
        await ProblemAssert.StatusAsync(bobPut, HttpStatusCode.Created);
        Assert.Equal("alice's secret", await alice.MustGetTextAsync("shared-name"));
        Assert.Equal("bob's value", await bob.MustGetTextAsync("shared-name"));
    }
}
