using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Buckets.Core.Security;
using Buckets.Server.Tests.Infrastructure;

namespace Buckets.Server.Tests;

/// <summary>
/// Mid-rotation configuration (<c>SigningKeys:k2027</c> current beside the cluster secret): new keys
/// name the new kid, keys of the old kid and legacy keys keep working, and a key of a kid that is
/// not configured is refused. Its own server, since the settings differ.
/// </summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private const string NewKid = "k2027";

    private static readonly string NewSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly BucketsApiFactory _factory = BucketsApiFactory.With(new Dictionary<string, string>
    {
        [$"Buckets:Security:SigningKeys:{NewKid}"] = NewSecret,
        ["Buckets:Security:CurrentSigningKey"] = NewKid,
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task NewKeysNameTheCurrentKidWhileOldAndLegacyKeysStillWork()
    {
        var minted = await _factory.MintKeyAsync("rotating");
        var oldKid = new ApiKeyAuthority([new SigningKey("0", Convert.FromHexString(BucketsApiFactory.ClusterSecret))], "0").Mint("rotating", serial: 0);
        var legacyMac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(BucketsApiFactory.ClusterSecret), Encoding.ASCII.GetBytes("buckets/api-key/v1:rotating"));
        var unknownKid = new ApiKeyAuthority([new SigningKey("k2028", RandomNumberGenerator.GetBytes(32))], "k2028").Mint("rotating", serial: 0);

        Assert.Equal(NewKid, minted.SigningKeyId);
        Assert.StartsWith($"rotating.{NewKid}.0.", minted.ApiKey, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(minted.ApiKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(oldKid));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("rotating." + Base64Url.EncodeToString(legacyMac)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(unknownKid));
    }

    private async Task<HttpStatusCode> StatusAsync(string apiKey)
    {
        using var client = _factory.ClientFor(apiKey);
        using var response = await client.GetAsync(KeysApi.Relative("/v1/bucket"), Ct);
        return response.StatusCode;
    }
}
