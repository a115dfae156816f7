namespace Buckets.Englang;

/// <summary>Parses the event part of a line (after <c>bucket ID </c>, before the final period).</summary>
internal static class EventParser
{
    private const string EventNames =
        "an event: \"set\", \"deleted\", \"made\", \"changed its policy\", \"was erased\", \"was cleared\", "
        + "\"began a snapshot\", \"held\" or \"ended the snapshot\"";

    public static bool TryParse(ref BodyCursor c, DateTimeOffset at, string bucketId, out EnglangRecord? record)
    {
        record = null;
        if (c.TryConsume("set "u8))
        {
            return ParseSet(ref c, at, bucketId, out record);
        }

        if (c.TryConsume("deleted "u8))
        {
            if (!c.ReadQuoted(out var key))
            {
                return false;
            }

            var expired = c.TryConsume(" as it expired"u8);
            if (!ReadChange(ref c, out var seq))
            {
                return false;
            }

            record = new DeleteRecord(at, bucketId, seq, key, expired);
            return true;
        }

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

    /// <summary>
    /// Checks the event of a change line exactly as <see cref="TryParse"/> does and gives only its
    /// change number: the key and value of a set or deletion (nearly every line a backup stores) are
    /// checked in place, with no string, value or record made for them.
    /// </summary>
    public static bool TryCheckChange(ref BodyCursor c, DateTimeOffset at, string bucketId, out long seq)
    {
        seq = 0;
        if (c.TryConsume("set "u8))
        {
            return c.SkipQuoted() && c.Expect(" to "u8) && c.SkipValue() && ReadExpiring(ref c, out _) && ReadChange(ref c, out seq);
        }

        if (c.TryConsume("deleted "u8))
        {
            if (!c.SkipQuoted())
            {
                return false;
            }

            c.TryConsume(" as it expired"u8);
            return ReadChange(ref c, out seq);
        }

        if (!TryParse(ref c, at, bucketId, out var record))
        {
            return false;
        }

        if (record is IChangeRecord change)
        {
            seq = change.Seq;
            return true;
        }

        return c.Fail("a change (a snapshot line is not one)");
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

    private static bool ParseSet(ref BodyCursor c, DateTimeOffset at, string bucketId, out EnglangRecord? record)
    {
        record = null;
        if (!c.ReadQuoted(out var key) || !c.Expect(" to "u8) || !c.ReadValue(out var value)
            || !ReadExpiring(ref c, out var expiresAt) || !ReadChange(ref c, out var seq))
        {
            return false;
        }

        record = new SetRecord(at, bucketId, seq, key, value, expiresAt);
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
