namespace Buckets.Verification.Tests.Model;

/// <summary>
/// Each variant of the model breaks one rule of the protocol (or checks a promise as the page
/// words it): Spin must find the promise broken, so the model is known to be able to fail. A
/// class of its own so xunit runs it beside <see cref="BackupProtocolModelTests"/>.
/// </summary>
public sealed class BrokenRuleTests
{
    public static TheoryData<string> Broken => [.. ModelConfiguration.Broken.Select(configuration => configuration.Name)];

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task SpinFindsThePromiseABrokenRuleBreaks(string name)
    {
        var configuration = ModelConfiguration.Named(name);

        var verdict = await SpinRunner.RunAsync(configuration, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine($"{configuration}: {verdict}");
        Assert.True(verdict.Errors > 0, $"{configuration}: Spin found nothing\n{verdict.Output}");
        Assert.Contains(configuration.BrokenPromise!, verdict.FailedAssertion ?? "", StringComparison.Ordinal);
    }
}
