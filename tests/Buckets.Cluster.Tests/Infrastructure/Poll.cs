namespace Buckets.Cluster.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it until a deadline; never a blind sleep.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds:0} s: {await describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
