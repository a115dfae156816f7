namespace Buckets.Core;

/// <summary>Point-in-time captures of the live entries, for whole-bucket transfers that outlast one call.</summary>
public sealed partial class BucketMap
{
    /// <summary>
    /// The live entries as of <paramref name="now"/>, unordered. Later changes to the map do not
    /// show in the capture (each holds the array its entry had), so a transfer that interleaves with
    /// writes still sends one consistent state. Costs about 24 bytes per entry; values are not copied.
    /// </summary>
    public IReadOnlyList<CapturedEntry> CaptureLive(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        var captured = new List<CapturedEntry>(_table.Count);
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (_table.IsLive(slot) && !IsExpired(slot, nowTicks))
            {
                captured.Add(new CapturedEntry(_table.Data(slot), _table.Version(slot), _table.ExpiresAtTicks(slot)));
            }
        }

        return captured;
    }
}
