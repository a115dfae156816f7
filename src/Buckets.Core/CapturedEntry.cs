using System.Text;

namespace Buckets.Core;

/// <summary>
/// An entry as a point-in-time capture holds it: the map's own packed key-and-value array (never
/// changed once stored; a write replaces it), so capturing costs no copy of any value.
/// </summary>
/// <param name="Packed">The map's packed key and value.</param>
/// <param name="Version">The change sequence number that last wrote the entry.</param>
/// <param name="ExpiresAtTicks">UTC ticks of expiry, or 0 when the entry never expires.</param>
public readonly record struct CapturedEntry(byte[] Packed, long Version, long ExpiresAtTicks)
{
    public string Key => Encoding.UTF8.GetString(EntryTable.KeyOf(Packed));

    /// <summary>A copy of the value bytes.</summary>
    public byte[] CopyValue() => EntryTable.ValueOf(Packed).ToArray();

    /// <summary>Key plus value bytes.</summary>
    public int PayloadBytes => EntryTable.PayloadBytes(Packed);

    public DateTimeOffset? ExpiresAt => ExpiresAtTicks == 0 ? null : new DateTimeOffset(ExpiresAtTicks, TimeSpan.Zero);
}
