using System.Text.Json;
using Buckets.Hosting.Security;
using Buckets.Server.Security;

namespace Buckets.Server.Tests;

/// <summary>What the development profile keeps in its data directory: generated secrets and the revocation list.</summary>
public sealed class DevelopmentFilesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "buckets-dev-files-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void GeneratedSecretsAreStrongOwnerOnlyAndStable()
    {
        var first = DevelopmentSecrets.LoadOrCreate(_directory);
        var second = DevelopmentSecrets.LoadOrCreate(_directory);

        Assert.Equal(first, second);
        Assert.All(new[] { first.AdminToken, first.ClusterSecret, first.InternalToken }, s => Assert.True(SecretRules.TryDecode(s, out _, out var problem), problem));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, DevelopmentSecrets.FileName)));
        }
    }

    [Fact]
    public void AnOlderSecretsFileKeepsItsSecretsAndGainsAnInternalToken()
    {
        Directory.CreateDirectory(_directory);
        var admin = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var cluster = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var path = Path.Combine(_directory, DevelopmentSecrets.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(new { AdminToken = admin, ClusterSecret = cluster }));

        var secrets = DevelopmentSecrets.LoadOrCreate(_directory);

        Assert.Equal(admin, secrets.AdminToken);
        Assert.Equal(cluster, secrets.ClusterSecret);
        Assert.True(SecretRules.TryDecode(secrets.InternalToken, out _, out _));
        Assert.Contains(secrets.InternalToken, File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task RevocationsSurviveARestartAndEachRaisesTheSerial()
    {
        var store = new FileRevocationStore(_directory, TimeProvider.System);
        var first = await store.RevokeAsync("alice", Ct);
        var second = await store.RevokeAsync("alice", Ct);
        var bob = await store.RevokeAsync("bob", Ct);

        var reopened = new FileRevocationStore(_directory, TimeProvider.System);

        Assert.Equal([1L, 2L], new[] { first.FirstValidSerial, second.FirstValidSerial });
        Assert.Equal(2, await reopened.FirstValidSerialAsync("alice", Ct));
        Assert.Equal(0, await reopened.FirstValidSerialAsync("carol", Ct));
        var all = await reopened.ReadSinceAsync(0, Ct);
        Assert.Equal(["alice", "bob"], all.Revocations.Select(r => r.BucketId));
        Assert.Equal(bob.Change, all.LastChange);
        var later = await reopened.ReadSinceAsync(second.Change, Ct);
        Assert.Equal(["bob"], later.Revocations.Select(r => r.BucketId));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }
}
