using System.Text;

namespace Buckets.Core;

/// <summary>
/// An entry as a point-in-time capture holds it: a copy of the map's packed bytes (key, value and
/// expiry; see <see cref="EntryTable"/>), taken when the capture was made, so later writes and
/// compactions of the map never change it.
/// </summary>
/// <param name="Packed">The entry's packed bytes, copied out of the map.</param>
/// <param name="Version">The change sequence number that last wrote the entry.</param>
public readonly record struct CapturedEntry(ReadOnlyMemory<byte> Packed, long Version)
{
    public string Key => Encoding.UTF8.GetString(EntryTable.KeyOf(Packed.Span));

    /// <summary>A copy of the value bytes.</summary>
    public byte[] CopyValue() => EntryTable.ValueOf(Packed.Span).ToArray();

    /// <summary>Key plus value bytes.</summary>
    public int PayloadBytes => EntryTable.PayloadBytesOf(Packed.Span);

    /// <summary>UTC ticks of expiry, or 0 when the entry never expires.</summary>
    public long ExpiresAtTicks => EntryTable.ExpiresAtTicksOf(Packed.Span);

    public DateTimeOffset? ExpiresAt => ExpiresAtTicks == 0 ? null : new DateTimeOffset(ExpiresAtTicks, TimeSpan.Zero);
}
