namespace Buckets.Englang;

/// <summary>Parses the event part of a line (after <c>bucket ID </c>, before the final period).</summary>
internal static class EventParser
{
    private const string EventNames =
        "an event: \"set\", \"deleted\", \"made\", \"changed its policy\", \"was erased\", \"was cleared\", "
        + "\"began a snapshot\", \"held\" or \"ended the snapshot\"";

    /// <summary>
    /// Parses the event into <paramref name="parsed"/>: a set, deletion or snapshot entry as views of
    /// the line (checked, decoded only where it had to be), any other event as its record.
    /// </summary>
    public static bool TryParse(scoped ref BodyCursor c, DateTimeOffset at, string bucketId, out LineEvent parsed)
    {
        parsed = default;
        if (c.TryConsume("set "u8))
        {
            parsed.Kind = LineEventKind.Set;
            return c.ReadKey(out parsed.Key) && c.Expect(" to "u8) && c.ReadValue(out parsed.Value)
                && ReadExpiring(ref c, out parsed.ExpiresAt) && ReadChange(ref c, out parsed.Seq);
        }

        if (c.TryConsume("deleted "u8))
        {
            parsed.Kind = LineEventKind.Delete;
            if (!c.ReadKey(out parsed.Key))
            {
                return false;
            }

            parsed.Expired = c.TryConsume(" as it expired"u8);
            return (!parsed.Expired || ReadDeadline(ref c, out parsed.ExpiresAt)) && ReadChange(ref c, out parsed.Seq);
        }

        if (c.TryConsume("held "u8))
        {
            parsed.Kind = LineEventKind.Held;
            return c.ReadKey(out parsed.Key) && c.Expect(" as "u8) && c.ReadValue(out parsed.Value)
                && ReadExpiring(ref c, out parsed.ExpiresAt)
                && c.Expect(", last written by change "u8) && c.ReadNumber(out parsed.Seq);
        }

        return ParseOther(ref c, at, bucketId, out parsed.Record);
    }

    /// <summary>The events other than a set, a deletion or a snapshot entry, each made into its record.</summary>
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

    /// <summary>Reads the optional <c> on TIME</c> of <c>as it expired</c>: lines written before it was recorded have none.</summary>
    private static bool ReadDeadline(ref BodyCursor c, out DateTimeOffset? deadline)
    {
        deadline = null;
        if (!c.TryConsume(" on "u8))
        {
            return true;
        }

        if (!c.ReadTimestamp(out var value))
        {
            return false;
        }

        deadline = value;
        return true;
    }

    private static bool ReadChange(ref BodyCursor c, out long seq)
    {
        seq = 0;
        return c.Expect(" (change "u8) && c.ReadNumber(out seq) && c.Expect(")"u8);
    }
}
