using Buckets.Backup.Cluster;

namespace Buckets.Backup.Tests;

/// <summary>The server list's start-up rules, with servers leaving it.</summary>
public sealed class ClusterOptionsTests
{
    private static readonly Uri A = new("http://backup-a:8081");
    private static readonly Uri B = new("http://backup-b:8081");
    private static readonly Uri C = new("http://backup-c:8081");

    [Fact]
    public void AServerLeavingTheListMayNameItselfAndReadsItsPeersButKeepsNothing()
    {
        var options = Options([A, B], leaving: [C], self: C);

        Assert.True(new BackupClusterOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(options.IsLeaving);
        Assert.Equal([A, B], options.Peers);
    }

    [Fact]
    public void AServerInTheListReadsTheLeavingOnesTooAndIsNotLeaving()
    {
        var options = Options([A, B], leaving: [C], self: A);

        Assert.True(new BackupClusterOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.IsLeaving);
        Assert.Equal([B, C], options.Peers);
    }

    [Fact]
    public void AServerBothListedAndLeavingOrNamedNowhereIsRefusedAtStartUp()
    {
        var both = new BackupClusterOptionsValidator().Validate(null, Options([A, B], leaving: [B], self: A));
        var nowhere = new BackupClusterOptionsValidator().Validate(null, Options([A, B], leaving: [], self: C));

        Assert.Contains("in both", both.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("neither in", nowhere.FailureMessage, StringComparison.Ordinal);
    }

    private static BackupClusterOptions Options(Uri[] servers, Uri[] leaving, Uri self)
    {
        var options = new BackupClusterOptions { Self = self };
        foreach (var server in servers)
        {
            options.Servers.Add(server);
        }

        foreach (var server in leaving)
        {
            options.Leaving.Add(server);
        }

        return options;
    }
}
