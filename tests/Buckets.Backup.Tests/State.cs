using System.Text;
using Buckets.Backup.Storage;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

/// <summary>Reads a snapshot the store handed out back into entries, keeping everything it holds.</summary>
internal static class State
{
    public static ReplayState Parse(byte[] snapshot)
    {
        using var stream = new MemoryStream(snapshot);
        var result = BucketReplayer.Replay([("state", stream)], new ReplayOptions(DateTimeOffset.MinValue) { IncludeExpired = true });
        Assert.True(result.Succeeded && result.TornTails.Count == 0, "the store handed out a damaged snapshot");
        return result.State;
    }

    public static ReplayState Parse(StateSnapshot? snapshot)
    {
        Assert.NotNull(snapshot);
        var state = Parse(snapshot.Snapshot);
        Assert.Equal(snapshot.Seq, state.LastSeq);
        Assert.Equal(snapshot.EntryCount, state.Entries.Count);
        return state;
    }

    /// <summary>Entries as "key=value" strings in ordinal order, for easy comparison.</summary>
    public static string[] Entries(StateSnapshot? snapshot) =>
        [.. Parse(snapshot).Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={Encoding.UTF8.GetString(e.Value.Value)}")];

    public static SnapshotHeaderRecord Header(StateSnapshot? snapshot)
    {
        Assert.NotNull(snapshot);
        using var stream = new MemoryStream(snapshot.Snapshot);
        var read = EnglangReader.Read(stream, "state");
        return Assert.IsType<SnapshotHeaderRecord>(read.Items[0].Record);
    }
}
