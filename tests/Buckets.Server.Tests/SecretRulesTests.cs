using System.Security.Cryptography;
using Buckets.Hosting.Security;

namespace Buckets.Server.Tests;

/// <summary>Every secret must be the text of at least 32 random bytes; hand-made strings are refused.</summary>
public sealed class SecretRulesTests
{
    // Enough draws that a rule refusing real randomness even one time in a few thousand shows up.
    private const int RandomDraws = 2_000;

    [Fact]
    public void RandomBytesAsHexOrBase64AreAccepted()
    {
        for (var i = 0; i < RandomDraws; i++)
        {
            var bytes = RandomNumberGenerator.GetBytes(SecretRules.MinSecretBytes + (i % 3 * 16));
            string[] encodings =
            [
                Convert.ToHexStringLower(bytes),
                Convert.ToHexString(bytes),
                Convert.ToBase64String(bytes),
                Convert.ToBase64String(bytes).TrimEnd('='),
                System.Buffers.Text.Base64Url.EncodeToString(bytes),
            ];
            foreach (var secret in encodings)
            {
                Assert.True(SecretRules.TryDecode(secret, out var decoded, out var problem), $"{secret} refused: {problem}");
                Assert.Equal(bytes, decoded);
            }
        }
    }

    [Fact]
    public void HexDecodesToItsBytesNotToBase64()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);

        Assert.True(SecretRules.TryDecode(Convert.ToHexStringLower(bytes), out var decoded, out _));

        Assert.Equal(bytes, decoded);
    }

    [Theory]
    [InlineData("", "is not set")]
    [InlineData("e2e-cluster-secret-0123456789", "neither hex nor base64")]
    [InlineData("test-cluster-secret-0123456789abcdef", "fewer than 32")]
    [InlineData("P@ssw0rd!P@ssw0rd!P@ssw0rd!P@ssw0rd!P@ssw0rd!", "neither hex nor base64")]
    [InlineData("0123456789abcdef0123456789abcdef", "fewer than 32")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "does not look random")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "does not look random")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "does not look random")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234", "does not look random")]
    [InlineData("thisismysupersecretpasswordforthebucketsclusterx", "does not look random")]
    [InlineData("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "does not look random")]
    [InlineData("xyXYxyXYxyXYxyXYxyXYxyXYxyXYxyXYxyXYxyXYxyXY", "does not look random")]
    public void WeakSecretsAreRefusedSayingWhy(string secret, string reason)
    {
        Assert.False(SecretRules.TryDecode(secret, out _, out var problem));

        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Length > 0 ? secret : "\0", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeOfAWeakSecretThrows() =>
        Assert.Throws<ArgumentException>(() => SecretRules.Decode("short"));
}
