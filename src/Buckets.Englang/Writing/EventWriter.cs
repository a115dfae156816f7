namespace Buckets.Englang;

/// <summary>Writes the event part of a line: everything between the bucket id and the final period.</summary>
internal static class EventWriter
{
    public static void Write(ref LineBuilder line, EnglangRecord record)
    {
        switch (record)
        {
            case SetRecord set:
                AppendSet(ref line, set.Key, set.Value, set.ExpiresAt, set.Seq);
                break;
            case DeleteRecord delete:
                AppendDelete(ref line, delete.Key, delete.Expired, delete.Deadline, delete.Seq);
                break;
            case ExpireRecord expire:
                line.Append("made "u8);
                line.AppendQuoted(expire.Key);
                if (expire.ExpiresAt is { } expiresAt)
                {
                    line.Append(" expire on "u8);
                    line.AppendTimestamp(expiresAt);
                }
                else
                {
                    line.Append(" never expire"u8);
                }

                AppendChange(ref line, expire.Seq);
                break;
            case PolicyRecord policy:
                line.Append("changed its policy to "u8);
                AppendDurability(ref line, policy.Durability);
                line.Append(" durability with "u8);
                AppendTtl(ref line, policy.DefaultTtl);
                AppendChange(ref line, policy.Seq);
                break;
            case EraseRecord erase:
                line.Append("was erased"u8);
                AppendChange(ref line, erase.Seq);
                break;
            case ClearRecord clear:
                line.Append("was cleared of all entries"u8);
                AppendChange(ref line, clear.Seq);
                break;
            default:
                SnapshotEventWriter.Write(ref line, record);
                break;
        }
    }

    public static void AppendSet(ref LineBuilder line, scoped ReadOnlySpan<char> key, scoped ReadOnlySpan<byte> value, DateTimeOffset? expiresAt, long seq)
    {
        line.Append("set "u8);
        line.AppendQuoted(key);
        line.Append(" to "u8);
        line.AppendValue(value);
        AppendExpiring(ref line, expiresAt);
        AppendChange(ref line, seq);
    }

    public static void AppendDelete(ref LineBuilder line, scoped ReadOnlySpan<char> key, bool expired, DateTimeOffset? deadline, long seq)
    {
        line.Append("deleted "u8);
        line.AppendQuoted(key);
        if (expired)
        {
            line.Append(" as it expired"u8);
            if (deadline is { } value)
            {
                line.Append(" on "u8);
                line.AppendTimestamp(value);
            }
        }

        AppendChange(ref line, seq);
    }

    public static void AppendExpiring(ref LineBuilder line, DateTimeOffset? expiresAt)
    {
        if (expiresAt is { } value)
        {
            line.Append(", expiring on "u8);
            line.AppendTimestamp(value);
        }
    }

    public static void AppendDurability(ref LineBuilder line, string durability) => line.Append(durability switch
    {
        EnglangDurability.Cache => "cache"u8,
        EnglangDurability.Critical => "critical"u8,
        _ => "standard"u8,
    });

    public static void AppendTtl(ref LineBuilder line, TimeSpan? defaultTtl)
    {
        if (defaultTtl is not { } ttl)
        {
            line.Append("no default expiry"u8);
            return;
        }

        var seconds = ttl.Ticks / TimeSpan.TicksPerSecond;
        line.Append("a default expiry of "u8);
        line.AppendNumber(seconds);
        line.Append(seconds == 1 ? " second"u8 : " seconds"u8);
    }

    public static void AppendCount(ref LineBuilder line, long count)
    {
        line.AppendNumber(count);
        line.Append(count == 1 ? " entry"u8 : " entries"u8);
    }

    private static void AppendChange(ref LineBuilder line, long seq)
    {
        line.Append(" (change "u8);
        line.AppendNumber(seq);
        line.Append((byte)')');
    }
}
