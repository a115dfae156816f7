using Npgsql;

namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>
/// Watches one silo's row of the membership table in PostgreSQL (every 100 ms, on the test's clock)
/// from a crash until disposed: when the first suspicion vote was written and when the silo was
/// declared dead. A failed read is skipped; a step never seen stays null.
/// </summary>
public sealed class MembershipWatch : IAsyncDisposable
{
    private const int DeadStatus = 6;
    private const string StatusQuery =
        "SELECT status, coalesce(suspect_times, '') FROM buckets_membership WHERE deployment_id = @cluster AND port = @port ORDER BY generation DESC LIMIT 1";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    private MembershipWatch(string connectionString, string clusterId, int siloPort) =>
        _watching = WatchAsync(connectionString, clusterId, siloPort, _stop.Token);

    /// <summary>When a suspicion vote against the silo first appeared in its row.</summary>
    public DateTimeOffset? FirstVoteAt { get; private set; }

    /// <summary>When its row first read Dead.</summary>
    public DateTimeOffset? DeclaredDeadAt { get; private set; }

    public static MembershipWatch Start(string connectionString, string clusterId, int siloPort) => new(connectionString, clusterId, siloPort);

    /// <summary>The status (Orleans' SiloStatus: 3 Active, 6 Dead) of the newest row of the silo on <paramref name="siloPort"/>, or null without one.</summary>
    public static async Task<int?> ReadStatusAsync(string connectionString, string clusterId, int siloPort)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(StatusQuery, connection);
        read.Parameters.AddWithValue("cluster", clusterId);
        read.Parameters.AddWithValue("port", siloPort);
        await using var row = await read.ExecuteReaderAsync();
        return await row.ReadAsync() ? row.GetInt32(0) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }

    private async Task WatchAsync(string connectionString, string clusterId, int siloPort, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && DeclaredDeadAt is null)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stop);
                while (!stop.IsCancellationRequested && DeclaredDeadAt is null)
                {
                    await using var read = new NpgsqlCommand(StatusQuery, connection);
                    read.Parameters.AddWithValue("cluster", clusterId);
                    read.Parameters.AddWithValue("port", siloPort);
                    await using (var row = await read.ExecuteReaderAsync(stop))
                    {
                        if (await row.ReadAsync(stop))
                        {
                            var now = DateTimeOffset.UtcNow;
                            if (row.GetString(1).Length > 0)
                            {
                                FirstVoteAt ??= now;
                            }

                            if (row.GetInt32(0) == DeadStatus)
                            {
                                DeclaredDeadAt = now;
                            }
                        }
                    }

                    await Task.Delay(Interval, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException)
            {
                // The timeline reports what it saw; a read that failed is retried at the next tick.
                await Task.Delay(Interval, CancellationToken.None);
            }
        }
    }
}
