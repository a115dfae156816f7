using System.Buffers;
using System.Text;
using Buckets.Abstractions;
using Buckets.Englang;

namespace Buckets.Grains.Tests;

/// <summary>A restore reads the saved state as the backup client hands it over: in pieces, cut anywhere.</summary>
public sealed class RestoreInPiecesTests(ControlledBackupClusterFixture fixture) : IClassFixture<ControlledBackupClusterFixture>
{
    private const int PieceBytes = 4096;
    private const int Entries = 50;

    [Fact]
    public async Task ABucketRestoresFromASavedStateThatArrivesInManyPieces()
    {
        var (bucket, id) = fixture.NewBucket("restore-pieces");
        var saved = new ArrayBufferWriter<byte>();
        var entries = Enumerable.Range(0, Entries)
            .Select(i => ($"k{i:D2}", Encoding.UTF8.GetBytes(new string('v', 500) + i), (DateTimeOffset?)null, (long)(i + 1)))
            .ToList();
        SnapshotWriter.Write(saved, id, DateTimeOffset.UtcNow, Entries, EnglangDurability.Standard, null, entries);
        // Pieces cut at fixed offsets, so lines (and UTF-8 sequences) straddle them.
        var pieces = saved.WrittenMemory.ToArray().Chunk(PieceBytes).ToList();
        Assert.True(pieces.Count > 5, $"only {pieces.Count} pieces");
        fixture.Backup.ServeState(id, pieces);

        var result = await bucket.RestoreAsync(null, null);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Equal(Entries, (await bucket.GetStatsAsync()).Entries);
        Assert.Equal(entries[37].Item2, (await bucket.GetAsync("k37"))!.Value);
    }
}
