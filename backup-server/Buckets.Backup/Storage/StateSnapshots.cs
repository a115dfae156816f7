using System.Buffers;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>Turns a replayed state into the Englang snapshot (entries in ordinal key order, policy in the header) the store hands out.</summary>
internal static class StateSnapshots
{
    public static StateSnapshot Create(string bucketId, DateTimeOffset at, ReplayState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotWriter.Write(buffer, bucketId, at, state);
        return new StateSnapshot(state.LastSeq, state.Entries.Count, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Englang keeps whole milliseconds; times the store stamps are cut to them so the manifest agrees with the file.</summary>
    public static DateTimeOffset ToEnglangPrecision(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
