using System.Diagnostics;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes; the failure names what was awaited.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = await probe();
        while (!done(last))
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"Waited {deadline} for {what}; last observed: {last}");
            }

            await Task.Delay(Interval);
            last = await probe();
        }

        return last;
    }
}
