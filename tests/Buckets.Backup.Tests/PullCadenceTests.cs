using System.ComponentModel.DataAnnotations;
using Buckets.Backup.Pulling;

namespace Buckets.Backup.Tests;

public class PullCadenceTests
{
    private static readonly PullOptions Defaults = new();

    [Theory]
    [InlineData(0, 100)]
    [InlineData(7, 100)]
    [InlineData(20, 100)]
    [InlineData(45, 225)]
    [InlineData(70, 350)]
    [InlineData(200, 1000)]
    [InlineData(900, 1000)]
    public void ABusyRoundIsFollowedAfterAFifthOfTheTimeWithinTheBusyIntervalAndTheIdleInterval(int roundMs, int cycleMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(cycleMs), BackupPuller.BusyCycle(TimeSpan.FromMilliseconds(roundMs), Defaults));
    }

    [Fact]
    public void ABusyIntervalLongerThanTheIdleIntervalStillHolds()
    {
        var settings = new PullOptions { BusyInterval = TimeSpan.FromSeconds(2), Interval = TimeSpan.FromSeconds(1) };
        Assert.Equal(TimeSpan.FromSeconds(2), BackupPuller.BusyCycle(TimeSpan.FromMilliseconds(10), settings));
        Assert.Equal(TimeSpan.FromSeconds(2), BackupPuller.BusyCycle(TimeSpan.FromSeconds(5), settings));
    }

    [Fact]
    public void AShareOfOneKeepsRoundsBackToBackPastTheBusyInterval()
    {
        var settings = new PullOptions { BusyShare = 1 };
        Assert.Equal(TimeSpan.FromMilliseconds(300), BackupPuller.BusyCycle(TimeSpan.FromMilliseconds(300), settings));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    public void AShareOutsideZeroToOneIsRefused(double share)
    {
        var options = new PullOptions { BusyShare = share };
        var results = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        Assert.False(valid);
        Assert.Contains(results, result => result.MemberNames.Contains(nameof(PullOptions.BusyShare)));
    }
}
