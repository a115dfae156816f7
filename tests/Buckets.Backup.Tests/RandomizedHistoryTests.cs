using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

/// <summary>
/// Random appends (with overlapping retries), seals, compactions and restarts, checked against an
/// oracle: the Englang replayer run over the plain list of every change, at random changes and times.
/// </summary>
public sealed class RandomizedHistoryTests
{
    private const string Bucket = "random";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Reads_match_a_replay_of_every_change(int seed)
    {
        var random = new Random(seed);
        using var t = new TestStore(segmentMaxBytes: 600, compactionThresholdBytes: 1500, retention: TimeSpan.FromDays(365));
        var store = t.Store;
        var epoch = (await store.OpenEpochAsync(Bucket, Ct)).Epoch;
        var records = new List<EnglangRecord>();
        for (var step = 0; step < 150; step++)
        {
            t.Time.Advance(TimeSpan.FromSeconds(random.Next(1, 20)));
            switch (random.Next(10))
            {
                case < 7:
                    var resendFrom = records.Count - random.Next(0, Math.Min(3, records.Count) + 1);
                    for (var i = random.Next(1, 5); i > 0; i--)
                    {
                        records.Add(NextChange(random, records.Count + 1, t.Time.GetUtcNow()));
                    }

                    var batch = Lines.Of([.. records.Skip(resendFrom)]);
                    Assert.Equal(new AppendResult(AckStatus.Stored, records.Count), await store.AppendChangesAsync(Bucket, epoch, batch, Ct));
                    break;
                case 7:
                    await store.CompactIfNeededAsync(Bucket, Ct);
                    break;
                case 8:
                    store = t.Reopen();
                    break;
                default:
                    await AssertReads(store, records, random, t.Time.GetUtcNow());
                    break;
            }
        }

        await AssertReads(store, records, random, t.Time.GetUtcNow());
        await AssertReads(t.Reopen(), records, random, t.Time.GetUtcNow());
        Assert.True(BackupVerifier.VerifyDirectory(t.Directory).IsHealthy);

        // The run did exercise compaction (retired generations) and sealing.
        var files = (await t.Store.DescribeAsync(Bucket, Ct))!.Files;
        Assert.Contains(files, f => f.Retired && f.Kind == "snapshot");
        Assert.True(files.Count(f => f.Kind == "changes") > 10);
    }

    private static EnglangRecord NextChange(Random random, long seq, DateTimeOffset now)
    {
        // Stamped a little before "now", as by a grain whose clock lags, and in no strict order.
        var at = now.AddMilliseconds(-random.Next(0, 5000));
        var key = $"k{random.Next(12)}";
        return random.Next(4) switch
        {
            0 => new DeleteRecord(at, Bucket, seq, key),
            1 => new SetRecord(at, Bucket, seq, key, Encoding.UTF8.GetBytes($"v{seq}"), at.AddSeconds(random.Next(1, 120))),
            _ => new SetRecord(at, Bucket, seq, key, Encoding.UTF8.GetBytes($"v{seq}"), null),
        };
    }

    private static async Task AssertReads(FileBackupStore store, List<EnglangRecord> records, Random random, DateTimeOffset now)
    {
        Assert.Equal(Oracle(records, new ReplayOptions(now)), State.Entries(await store.ReadStateAsync(Bucket, null, null, Ct)));
        for (var i = 0; i < 4; i++)
        {
            var seq = random.Next(0, records.Count + 2);
            Assert.Equal(Oracle(records, new ReplayOptions(now) { StopAtSeq = seq }), State.Entries(await store.ReadStateAsync(Bucket, seq, null, Ct)));
            var time = TestStore.Start.AddMilliseconds(random.NextInt64(-10_000, (long)(now - TestStore.Start).TotalMilliseconds + 10_000));
            Assert.Equal(Oracle(records, new ReplayOptions(now) { StopAtTime = time }), State.Entries(await store.ReadStateAsync(Bucket, null, time, Ct)));
        }
    }

    private static string[] Oracle(List<EnglangRecord> records, ReplayOptions options)
    {
        var result = BucketReplayer.Replay(records, options);
        Assert.True(result.Succeeded);
        return [.. result.State.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={Encoding.UTF8.GetString(e.Value.Value)}")];
    }
}
