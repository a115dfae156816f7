using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Buckets.Core.Security;

namespace Buckets.Core.Tests;

public sealed class ApiKeyAuthorityTests
{
    private static readonly byte[] ClusterSecret = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] RotatedSecret = RandomNumberGenerator.GetBytes(32);

    // The cluster secret as configured: its text is the legacy HMAC key, its bytes key id 0.
    private static readonly string ClusterSecretText = Convert.ToHexStringLower(ClusterSecret);

    private readonly ApiKeyAuthority _authority = new([new SigningKey("0", ClusterSecret)], "0", Encoding.UTF8.GetBytes(ClusterSecretText));

    [Fact]
    public void MintedKeyValidatesToItsIdKeyIdAndSerial()
    {
        var key = _authority.Mint("alice", serial: 7);

        Assert.StartsWith("alice.0.7.", key, StringComparison.Ordinal);
        Assert.True(_authority.TryValidate(key, out var claims));
        Assert.Equal(new ApiKeyClaims("alice", "0", 7, Legacy: false), claims);
    }

    [Fact]
    public void TheMacIsHmacSha256UnderTheHkdfDerivedKeyOfTheKeyId()
    {
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, ClusterSecret, 32, salt: [], info: Encoding.ASCII.GetBytes("buckets/api-key-mac/v2:0"));
        var expected = HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes("buckets/api-key/v2:alice.0.3"));

        var key = _authority.Mint("alice", serial: 3);

        Assert.Equal("alice.0.3." + Base64Url.EncodeToString(expected), key);
        Assert.Equal(macKey, ApiKeyAuthority.DeriveMacKey(ClusterSecret, "0"));
        Assert.NotEqual(ClusterSecret, macKey);
    }

    [Fact]
    public void EachKeyIdGetsItsOwnMacKeyFromOneSecret()
    {
        Assert.NotEqual(ApiKeyAuthority.DeriveMacKey(ClusterSecret, "0"), ApiKeyAuthority.DeriveMacKey(ClusterSecret, "1"));
    }

    [Fact]
    public void LegacyKeyMadeWithTheClusterSecretTextValidatesAsSerialZeroOfKeyIdZero()
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ClusterSecretText), Encoding.ASCII.GetBytes("buckets/api-key/v1:alice"));

        Assert.True(_authority.TryValidate("alice." + Base64Url.EncodeToString(mac), out var claims));

        Assert.Equal(new ApiKeyClaims("alice", "0", 0, Legacy: true), claims);
    }

    [Fact]
    public void LegacyKeysAreRefusedWithoutALegacySecret()
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ClusterSecretText), Encoding.ASCII.GetBytes("buckets/api-key/v1:alice"));
        var withoutLegacy = new ApiKeyAuthority([new SigningKey("0", ClusterSecret)], "0");

        Assert.False(withoutLegacy.TryValidate("alice." + Base64Url.EncodeToString(mac), out _));
    }

    [Fact]
    public void AfterRotationNewKeysNameTheNewKeyIdAndOldKeysStillValidate()
    {
        var before = _authority.Mint("alice", serial: 0);
        var rotated = new ApiKeyAuthority([new SigningKey("0", ClusterSecret), new SigningKey("k2027", RotatedSecret)], "k2027");

        var after = rotated.Mint("alice", serial: 0);

        Assert.StartsWith("alice.k2027.0.", after, StringComparison.Ordinal);
        Assert.True(rotated.TryValidate(before, out var old));
        Assert.Equal("0", old.SigningKeyId);
        Assert.True(rotated.TryValidate(after, out var current));
        Assert.Equal("k2027", current.SigningKeyId);
        Assert.False(_authority.TryValidate(after, out _));
    }

    [Fact]
    public void RetiringASecretRefusesTheKeysItSigned()
    {
        var old = _authority.Mint("alice", serial: 0);
        var retired = new ApiKeyAuthority([new SigningKey("k2027", RotatedSecret)], "k2027");

        Assert.False(retired.TryValidate(old, out _));
    }

    [Fact]
    public void KeyMintedUnderAnotherSecretWithTheSameKeyIdIsRefused()
    {
        var other = new ApiKeyAuthority([new SigningKey("0", RandomNumberGenerator.GetBytes(32))], "0");

        Assert.False(_authority.TryValidate(other.Mint("alice", serial: 0), out _));
    }

    [Fact]
    public void ChangingTheIdKeyIdOrSerialOfAKeyBreaksIt()
    {
        var key = _authority.Mint("alice", serial: 1);
        var mac = key[(key.LastIndexOf('.') + 1)..];
        var rotated = new ApiKeyAuthority([new SigningKey("0", ClusterSecret), new SigningKey("1", ClusterSecret)], "0");

        Assert.False(_authority.TryValidate("bob.0.1." + mac, out _));
        Assert.False(_authority.TryValidate("alice.0.2." + mac, out _));
        Assert.False(_authority.TryValidate("alice.0.01." + mac, out _));
        Assert.False(rotated.TryValidate("alice.1.1." + mac, out _));
        Assert.False(_authority.TryValidate("alice." + mac, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("alice.")]
    [InlineData(".abc")]
    [InlineData("ALICE.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("alice.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("alice.0.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("alice.0.-1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("alice.0.1.2.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("alice.nokid.1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("alice.0.1234567890123456789.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void MalformedKeysAreRefused(string key) => Assert.False(_authority.TryValidate(key, out _));

    [Fact]
    public void EveryFlippedMacCharacterIsRefused()
    {
        var key = _authority.Mint("alice", serial: 0);
        for (var i = key.LastIndexOf('.') + 1; i < key.Length; i++)
        {
            var forged = key[..i] + (key[i] == 'A' ? 'B' : 'A') + key[(i + 1)..];
            Assert.False(_authority.TryValidate(forged, out _), $"forged at {i}");
        }
    }

    [Fact]
    public void ConstructionRefusesAMalformedOrMissingCurrentKeyId()
    {
        Assert.Throws<ArgumentException>(() => new ApiKeyAuthority([new SigningKey("Upper", ClusterSecret)], "Upper"));
        Assert.Throws<ArgumentException>(() => new ApiKeyAuthority([new SigningKey("0", ClusterSecret)], "1"));
        Assert.Throws<ArgumentException>(() => new ApiKeyAuthority([new SigningKey("0", ClusterSecret), new SigningKey("0", RotatedSecret)], "0"));
    }

    [Fact]
    public void NewIdsAreValidAndDistinct()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ApiKeyAuthority.NewId()).ToHashSet();

        Assert.Equal(100, ids.Count);
        Assert.All(ids, id => Assert.True(ApiKeyAuthority.IsValidId(id)));
    }
}
