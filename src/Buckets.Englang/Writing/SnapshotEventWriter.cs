namespace Buckets.Englang;

/// <summary>Writes the event part of the three snapshot record kinds.</summary>
internal static class SnapshotEventWriter
{
    public static void Write(ref LineBuilder line, EnglangRecord record)
    {
        switch (record)
        {
            case SnapshotHeaderRecord header:
                line.Append("began a snapshot as of change "u8);
                line.AppendNumber(header.Seq);
                line.Append(" with "u8);
                EventWriter.AppendCount(ref line, header.EntryCount);
                line.Append(", "u8);
                EventWriter.AppendDurability(ref line, header.Durability);
                line.Append(" durability and "u8);
                EventWriter.AppendTtl(ref line, header.DefaultTtl);
                break;
            case SnapshotEntryRecord entry:
                AppendHeld(ref line, entry.Key, entry.Value, entry.ExpiresAt, entry.Version);
                break;
            case SnapshotFooterRecord footer:
                line.Append("ended the snapshot as of change "u8);
                line.AppendNumber(footer.Seq);
                line.Append(" with "u8);
                EventWriter.AppendCount(ref line, footer.EntryCount);
                line.Append(", digest "u8);
                line.AppendAscii(footer.Digest);
                break;
            default:
                throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record));
        }
    }

    /// <summary>The event of a snapshot entry: <c>held KEY as VALUE[, expiring on TIME], last written by change N</c>.</summary>
    public static void AppendHeld(ref LineBuilder line, string key, byte[] value, DateTimeOffset? expiresAt, long version)
    {
        line.Append("held "u8);
        line.AppendQuoted(key);
        line.Append(" as "u8);
        line.AppendValue(value);
        EventWriter.AppendExpiring(ref line, expiresAt);
        line.Append(", last written by change "u8);
        line.AppendNumber(version);
    }
}
