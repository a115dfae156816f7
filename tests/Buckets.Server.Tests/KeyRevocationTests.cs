using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Buckets.Contracts.Http;
using Buckets.Core.Security;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary><c>POST /admin/keys/{id}/revoke</c>: a revoked key gets 401 within the stated bound, and a key minted afterwards works.</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class KeyRevocationTests(BucketsApiFactory factory)
{
    // Buckets:Keys:RevocationRefreshInterval's default, plus one read of the store.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(1);

    private static readonly Uri Stats = KeysApi.Relative("/v1/bucket");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RevokedKeyIsRefusedWithinTheBoundAndAReissuedKeyWorks()
    {
        var minted = await factory.MintKeyAsync();
        using var revokedClient = factory.ClientFor(minted.ApiKey);
        using (var before = await revokedClient.GetAsync(Stats, Ct))
        {
            await ProblemAssert.StatusAsync(before, HttpStatusCode.OK);
        }

        var clock = Stopwatch.StartNew();
        var revoked = await RevokeAsync(minted.Id);
        Assert.Equal(minted.Serial + 1, revoked.FirstValidSerial);
        Assert.Equal(5, revoked.RefusedWithinSeconds);
        var refused = await Eventually.HoldsWithinAsync(Bound, async () =>
        {
            using var response = await revokedClient.GetAsync(Stats, Ct);
            return response.StatusCode == HttpStatusCode.Unauthorized;
        });
        Assert.True(refused, $"the revoked key of {minted.Id} was still accepted {clock.Elapsed} after the revocation (bound {Bound})");

        var reissued = await factory.MintKeyAsync(minted.Id);
        Assert.Equal(revoked.FirstValidSerial, reissued.Serial);
        Assert.NotEqual(minted.ApiKey, reissued.ApiKey);
        using var reissuedClient = factory.ClientFor(reissued.ApiKey);
        using var reissuedStats = await reissuedClient.GetAsync(Stats, Ct);
        await ProblemAssert.StatusAsync(reissuedStats, HttpStatusCode.OK);
        using var stillRevoked = await revokedClient.GetAsync(Stats, Ct);
        await ProblemAssert.IsAsync(stillRevoked, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task RevokingAgainRevokesTheReissuedKeyToo()
    {
        var first = await factory.MintKeyAsync();
        await RevokeAsync(first.Id);
        var second = await factory.MintKeyAsync(first.Id);

        var again = await RevokeAsync(first.Id);

        Assert.Equal(second.Serial + 1, again.FirstValidSerial);
        using var client = factory.ClientFor(second.ApiKey);
        using var response = await client.GetAsync(Stats, Ct);
        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task RevocationOfOneBucketLeavesAnotherBucketsKeyWorking()
    {
        var revoked = await factory.MintKeyAsync();
        var other = await factory.MintKeyAsync();

        await RevokeAsync(revoked.Id);

        using var client = factory.ClientFor(other.ApiKey);
        using var response = await client.GetAsync(Stats, Ct);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task RevokeWithoutTheAdminTokenIs401AndTheKeyKeepsWorking()
    {
        var minted = await factory.MintKeyAsync();
        var revoke = KeysApi.Relative($"/admin/keys/{minted.Id}/revoke");

        using var anonymous = factory.CreateClient();
        using var withoutToken = await anonymous.PostAsync(revoke, content: null, Ct);
        using var withApiKey = factory.ClientFor(minted.ApiKey);
        using var withKey = await withApiKey.PostAsync(revoke, content: null, Ct);

        await ProblemAssert.IsAsync(withoutToken, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(withKey, HttpStatusCode.Unauthorized, "unauthorized");
        using var stats = await withApiKey.GetAsync(Stats, Ct);
        await ProblemAssert.StatusAsync(stats, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("dot.ted")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task RevokeWithAnInvalidIdIs400(string id)
    {
        using var admin = factory.AdminClient();
        using var response = await admin.PostAsync(KeysApi.Relative($"/admin/keys/{Uri.EscapeDataString(id)}/revoke"), content: null, Ct);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid-id");
    }

    [Fact]
    public async Task MintNamesTheSigningKeyIdAndSerialInTheResponseAndTheKey()
    {
        var minted = await factory.MintKeyAsync("named-kid");

        Assert.Equal(ApiKeyAuthority.LegacyKeyId, minted.SigningKeyId);
        Assert.Equal(0, minted.Serial);
        Assert.StartsWith("named-kid.0.0.", minted.ApiKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyKeyFromBeforeKeyIdsWorksUntilRevoked()
    {
        var id = ApiKeyAuthority.NewId();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(BucketsApiFactory.ClusterSecret), Encoding.ASCII.GetBytes("buckets/api-key/v1:" + id));
        using var legacy = factory.ClientFor(id + "." + Base64Url.EncodeToString(mac));
        using (var accepted = await legacy.GetAsync(Stats, Ct))
        {
            await ProblemAssert.StatusAsync(accepted, HttpStatusCode.OK);
        }

        await RevokeAsync(id);

        var refused = await Eventually.HoldsWithinAsync(Bound, async () =>
        {
            using var response = await legacy.GetAsync(Stats, Ct);
            return response.StatusCode == HttpStatusCode.Unauthorized;
        });
        Assert.True(refused, $"the revoked legacy key of {id} was still accepted after {Bound}");
    }

    private async Task<RevokeKeyResponse> RevokeAsync(string id)
    {
        using var admin = factory.AdminClient();
        using var response = await admin.PostAsync(KeysApi.Relative($"/admin/keys/{id}/revoke"), content: null, Ct);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
        var revoked = await response.Content.ReadFromJsonAsync<RevokeKeyResponse>(Ct);
        Assert.NotNull(revoked);
        Assert.Equal(id, revoked.Id);
        return revoked;
    }
}
