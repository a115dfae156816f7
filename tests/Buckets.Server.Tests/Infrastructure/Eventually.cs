using System.Diagnostics;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes (no fixed sleeps).</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>True as soon as <paramref name="condition"/> holds; false when <paramref name="timeout"/> passes first.</summary>
    public static async Task<bool> HoldsWithinAsync(TimeSpan timeout, Func<Task<bool>> condition)
    {
        using var ticks = new PeriodicTimer(PollInterval);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                return false;
            }

            await ticks.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        }
    }
}
