namespace Buckets.Englang;

/// <summary>Parses the event part of a line (after <c>bucket ID </c>, before the final period).</summary>
internal static class EventParser
{
    private const string EventNames =
        "an event: \"set\", \"deleted\", \"made\", \"changed its policy\", \"was erased\", \"was cleared\", "
        + "\"began a snapshot\", \"held\" or \"ended the snapshot\"";

    /// <summary>
    /// Parses the event into <paramref name="record"/>, and gives a change's number in <paramref name="seq"/>.
    /// With <paramref name="keep"/> false only a change is accepted and only its number is wanted: the
    /// key and value of a set or deletion (nearly every line a backup stores) are checked in place and
    /// no record is made for them (<paramref name="record"/> stays null).
    /// </summary>
    public static bool TryParse(ref BodyCursor c, DateTimeOffset at, string bucketId, bool keep, out EnglangRecord? record, out long seq)
    {
        seq = 0;
        if (c.TryConsume("set "u8))
        {
            return ParseSet(ref c, at, bucketId, keep, out record, out seq);
        }

        if (c.TryConsume("deleted "u8))
        {
            return ParseDelete(ref c, at, bucketId, keep, out record, out seq);
        }

        if (!ParseOther(ref c, at, bucketId, out record))
        {
            return false;
        }

        if (record is IChangeRecord change)
        {
            seq = change.Seq;
            return true;
        }

        return keep || c.Fail("a change (a snapshot line is not one)");
    }

    /// <summary>The events other than a set or a deletion, each made into its record.</summary>
    private static bool ParseOther(ref BodyCursor c, DateTimeOffset at, string bucketId, out EnglangRecord? record)
    {
        record = null;
        if (c.TryConsume("made "u8))
        {
            return ParseExpire(ref c, at, bucketId, out record);
        }

        if (c.TryConsume("changed its policy to "u8))
        {
            if (!c.ReadDurability(out var durability) || !c.Expect(" durability with "u8)
                || !c.ReadDefaultTtl(out var ttl) || !ReadChange(ref c, out var seq))
            {
                return false;
            }

            record = new PolicyRecord(at, bucketId, seq, durability, ttl);
            return true;
        }

        if (c.TryConsume("was erased"u8))
        {
            record = ReadChange(ref c, out var seq) ? new EraseRecord(at, bucketId, seq) : null;
            return record is not null;
        }

        if (c.TryConsume("was cleared of all entries"u8))
        {
            record = ReadChange(ref c, out var seq) ? new ClearRecord(at, bucketId, seq) : null;
            return record is not null;
        }

        return SnapshotEventParser.TryParse(ref c, at, bucketId, out record) ?? c.Fail(EventNames);
    }

    /// <summary>Reads an optional <c>, expiring on TIME</c>.</summary>
    public static bool ReadExpiring(ref BodyCursor c, out DateTimeOffset? expiresAt)
    {
        expiresAt = null;
        if (!c.TryConsume(", expiring on "u8))
        {
            return true;
        }

        if (!c.ReadTimestamp(out var value))
        {
            return false;
        }

        expiresAt = value;
        return true;
    }

    private static bool ParseSet(ref BodyCursor c, DateTimeOffset at, string bucketId, bool keep, out EnglangRecord? record, out long seq)
    {
        record = null;
        seq = 0;
        var key = string.Empty;
        byte[] value = [];
        if (!(keep ? c.ReadQuoted(out key) : c.SkipQuoted()) || !c.Expect(" to "u8) || !(keep ? c.ReadValue(out value) : c.SkipValue())
            || !ReadExpiring(ref c, out var expiresAt) || !ReadChange(ref c, out seq))
        {
            return false;
        }

        record = keep ? new SetRecord(at, bucketId, seq, key, value, expiresAt) : null;
        return true;
    }

    private static bool ParseDelete(ref BodyCursor c, DateTimeOffset at, string bucketId, bool keep, out EnglangRecord? record, out long seq)
    {
        record = null;
        seq = 0;
        var key = string.Empty;
        if (!(keep ? c.ReadQuoted(out key) : c.SkipQuoted()))
        {
            return false;
        }

        var expired = c.TryConsume(" as it expired"u8);
        if (!ReadChange(ref c, out seq))
        {
            return false;
        }

        record = keep ? new DeleteRecord(at, bucketId, seq, key, expired) : null;
        return true;
    }

    private static bool ParseExpire(ref BodyCursor c, DateTimeOffset at, string bucketId, out EnglangRecord? record)
    {
        record = null;
        if (!c.ReadQuoted(out var key))
        {
            return false;
        }

        DateTimeOffset? expiresAt = null;
        if (c.TryConsume(" expire on "u8))
        {
            if (!c.ReadTimestamp(out var value))
            {
                return false;
            }

            expiresAt = value;
        }
        else if (!c.TryConsume(" never expire"u8))
        {
            return c.Fail("\" expire on\" or \" never expire\"");
        }

        if (!ReadChange(ref c, out var seq))
        {
            return false;
        }

        record = new ExpireRecord(at, bucketId, seq, key, expiresAt);
        return true;
    }

    private static bool ReadChange(ref BodyCursor c, out long seq)
    {
        seq = 0;
        return c.Expect(" (change "u8) && c.ReadNumber(out seq) && c.Expect(")"u8);
    }
}
