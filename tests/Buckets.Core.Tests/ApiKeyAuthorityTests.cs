using System.Text;
using Buckets.Core.Security;

namespace Buckets.Core.Tests;

public sealed class ApiKeyAuthorityTests
{
    private readonly ApiKeyAuthority _authority = new(Encoding.UTF8.GetBytes("cluster-secret-for-tests"));

    [Fact]
    public void MintedKeyValidatesToItsId()
    {
        var key = _authority.Mint("alice");

        Assert.StartsWith("alice.", key, StringComparison.Ordinal);
        Assert.True(_authority.TryValidate(key, out var id));
        Assert.Equal("alice", id);
    }

    [Fact]
    public void KeyMintedUnderAnotherSecretIsRefused()
    {
        var other = new ApiKeyAuthority(Encoding.UTF8.GetBytes("another-cluster-secret"));

        Assert.False(_authority.TryValidate(other.Mint("alice"), out _));
    }

    [Fact]
    public void SecretOfOneIdDoesNotOpenAnother()
    {
        var secret = _authority.Mint("alice").Split('.')[1];

        Assert.False(_authority.TryValidate("bob." + secret, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("alice.")]
    [InlineData(".abc")]
    [InlineData("ALICE.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("alice.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void MalformedKeysAreRefused(string key) => Assert.False(_authority.TryValidate(key, out _));

    [Fact]
    public void EveryFlippedSecretCharacterIsRefused()
    {
        var key = _authority.Mint("alice");
        for (var i = key.IndexOf('.', StringComparison.Ordinal) + 1; i < key.Length; i++)
        {
            var forged = key[..i] + (key[i] == 'A' ? 'B' : 'A') + key[(i + 1)..];
            Assert.False(_authority.TryValidate(forged, out _), $"forged at {i}");
        }
    }

    [Fact]
    public void NewIdsAreValidAndDistinct()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ApiKeyAuthority.NewId()).ToHashSet();

        Assert.Equal(100, ids.Count);
        Assert.All(ids, id => Assert.True(ApiKeyAuthority.IsValidId(id)));
    }
}
