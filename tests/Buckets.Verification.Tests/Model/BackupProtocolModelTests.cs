namespace Buckets.Verification.Tests.Model;

/// <summary>
/// The Spin model of docs/backup-protocol.md: the protocol keeps its four promises in every
/// configuration, exhaustively, and each broken rule is caught. docs/model/README.md lists the
/// configurations with their sizes.
/// </summary>
public sealed class BackupProtocolModelTests
{
    public static TheoryData<string> Real => [.. ModelConfiguration.Real.Select(configuration => configuration.Name)];

    public static TheoryData<string> Extended => [.. ModelConfiguration.Extended.Select(configuration => configuration.Name)];

    [Theory]
    [MemberData(nameof(Real))]
    public async Task TheProtocolKeepsEveryPromiseInEveryStateSpinCanReach(string name)
    {
        await AssertNoViolationAsync(ModelConfiguration.Named(name));
    }

    [Theory]
    [MemberData(nameof(Extended))]
    public async Task TheProtocolKeepsEveryPromiseInTheLargerConfigurations(string name)
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("BUCKETS_SPIN_EXTENDED") == "1", "larger runs: set BUCKETS_SPIN_EXTENDED=1");
        await AssertNoViolationAsync(ModelConfiguration.Named(name));
    }

    private static async Task AssertNoViolationAsync(ModelConfiguration configuration)
    {
        var verdict = await SpinRunner.RunAsync(configuration, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine($"{configuration}: {verdict}");
        Assert.True(verdict.Complete && verdict.Errors == 0, $"{configuration}: {verdict}\n{verdict.Output}");
    }
}
