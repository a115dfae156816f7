namespace Buckets.Core;

/// <summary>Point-in-time captures of the live entries, for whole-bucket transfers that outlast one call.</summary>
public sealed partial class BucketMap
{
    // Captured entries are copied into pages of this size (below the large object heap); a larger entry gets its own.
    private const int CapturePageBytes = EntryTable.MaxChunkBytes;

    /// <summary>
    /// The live entries as of <paramref name="now"/>, unordered. Each entry's packed bytes are copied
    /// (the map overwrites and compacts its arena in place), so later changes to the map do not show
    /// in the capture and a transfer that interleaves with writes still sends one consistent state.
    /// Costs the entries' bytes again plus about 24 bytes per entry; captures are rare (exports and moves).
    /// </summary>
    public IReadOnlyList<CapturedEntry> CaptureLive(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        var captured = new List<CapturedEntry>(_table.Count);
        var page = Array.Empty<byte>();
        var used = 0;
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (!_table.IsLive(slot) || IsExpired(slot, nowTicks))
            {
                continue;
            }

            var entry = _table.Entry(slot);
            if (entry.Length > page.Length - used)
            {
                if (entry.Length > CapturePageBytes / 2)
                {
                    captured.Add(new CapturedEntry(entry.ToArray(), _table.Version(slot)));
                    continue;
                }

                page = GC.AllocateUninitializedArray<byte>(CapturePageBytes);
                used = 0;
            }

            entry.CopyTo(page.AsSpan(used));
            captured.Add(new CapturedEntry(page.AsMemory(used, entry.Length), _table.Version(slot)));
            used += entry.Length;
        }

        return captured;
    }
}
