namespace Buckets.Grains.Tests;

/// <summary>Rules across bucket grain settings.</summary>
public sealed class BucketGrainOptionsValidatorTests
{
    [Fact]
    public void DefaultOptionsAreValid()
    {
        Assert.True(new BucketGrainOptionsValidator().Validate(null, new BucketGrainOptions()).Succeeded);
    }

    [Fact]
    public void ATrimDelayNotBelowTheIdleTimeoutIsRefused()
    {
        var options = new BucketGrainOptions { IdleTimeout = TimeSpan.FromSeconds(5), TrimDelay = TimeSpan.FromSeconds(5) };

        var result = new BucketGrainOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TrimDelay", result.FailureMessage, StringComparison.Ordinal);
    }
}
