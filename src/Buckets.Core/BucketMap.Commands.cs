using System.Buffers.Text;
using System.Text;
using Buckets.Abstractions;
using Buckets.Abstractions.Commands;

namespace Buckets.Core;

/// <summary>
/// The atomic string operations of <see cref="KeyCommand"/> (Redis 7 semantics), each decided and
/// applied here in one step. Each change is journalled as the backup records it: a new value as a
/// set of the resulting value (as Redis's AOF records INCRBYFLOAT), an expiry change as an expire,
/// a rename as a delete and a set, FLUSHDB as a clear.
/// </summary>
public sealed partial class BucketMap
{
    private static readonly byte[] StringType = "string"u8.ToArray();
    private static readonly byte[] NoneType = "none"u8.ToArray();

    /// <summary>
    /// Runs one command at <paramref name="now"/>; entries it creates without an expiry of their own
    /// get <paramref name="defaultExpiry"/> (the bucket's default TTL). Arguments are trusted to be
    /// valid keys and values within limits (the grain checks them); a refusal is an error reply.
    /// </summary>
    public KeyReply Run(KeyCommand command, DateTimeOffset now, DateTimeOffset? defaultExpiry)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (ExpiryError(command, now) is { } error)
        {
            return error;
        }

        var fallback = defaultExpiry?.UtcTicks ?? 0;
        return command.Kind switch
        {
            KeyCommandKind.Get => KeyReply.Of(TryGet(command.Key, now, out var entry) ? entry.Value : null),
            KeyCommandKind.Set => RunSet(command, now, fallback),
            KeyCommandKind.GetDelete => GetDelete(command.Key, now),
            KeyCommandKind.GetExpire => GetExpire(command, now),
            KeyCommandKind.Exists => KeyReply.Of(command.Keys!.Count(k => LiveState(k, now).Exists)),
            KeyCommandKind.Delete => KeyReply.Of(command.Keys!.Count(k => Delete(k, null, now).Outcome == WriteOutcome.Deleted)),
            KeyCommandKind.Expire => Expire(command, now),
            KeyCommandKind.Persist => Persist(command.Key, now),
            KeyCommandKind.TimeToLive => TimeToLive(command, now),
            KeyCommandKind.ExpireTime => ExpireTime(command, now),
            KeyCommandKind.Increment => Increment(command.Key, command.Number, now, fallback),
            KeyCommandKind.IncrementFloat => IncrementFloat(command.Key, command.Amount ?? "", now, fallback),
            KeyCommandKind.Append => Append(command.Key, command.Value ?? [], now, fallback),
            KeyCommandKind.Length => KeyReply.Of(LiveState(command.Key, now) is { Exists: true } s ? s.Size - Encoding.UTF8.GetByteCount(command.Key) : 0),
            KeyCommandKind.GetRange => GetRange(command, now),
            KeyCommandKind.SetRange => SetRange(command, now, fallback),
            KeyCommandKind.MultiGet => KeyReply.Of([.. command.Keys!.Select(k => KeyReply.Of(TryGet(k, now, out var e) ? e.Value : null))]),
            KeyCommandKind.MultiSet => MultiSet(command, now, defaultExpiry),
            KeyCommandKind.Rename => Rename(command, now),
            KeyCommandKind.Type => new KeyReply(KeyReplyKind.Status, Bytes: LiveState(command.Key, now).Exists ? StringType : NoneType),
            KeyCommandKind.Clear => Clear(now),
            KeyCommandKind.Scan => Scan(command, now),
            KeyCommandKind.KeysMatching => KeysMatching(command, now),
            KeyCommandKind.Count => KeyReply.Of(_table.Count),
            KeyCommandKind.Keyspace => Keyspace(now),
            KeyCommandKind.Version => KeyReply.Of(LiveState(command.Key, now).Version ?? 0),
            _ => KeyReply.Fail("ERR unknown command kind"),
        };
    }

    /// <summary>The live slot of <paramref name="key"/> (or -1) and its UTF-8 bytes.</summary>
    private int Slot(string key, DateTimeOffset now, out byte[] utf8)
    {
        utf8 = Encoding.UTF8.GetBytes(key);
        return FindLive(utf8, now);
    }

    /// <summary>Writes <paramref name="value"/> in place of the key's current state, or refuses when the bucket is full.</summary>
    private KeyReply? Put(byte[] utf8, int slot, string key, byte[] value, long expiresAtTicks, DateTimeOffset now)
    {
        if (!HasRoomFor(SetGrowth(StateAt(slot), utf8.Length + value.Length), now))
        {
            return BucketFullReply;
        }

        var seq = Record(ChangeKind.Set, now, key, value, Ticks(expiresAtTicks));
        Store(utf8, slot, value, seq, expiresAtTicks);
        return null;
    }

    /// <summary>Gives a live slot a new expiry (0 for none), recorded as an expire change.</summary>
    private void Reexpire(byte[] utf8, int slot, string key, long expiresAtTicks, DateTimeOffset now)
    {
        var seq = Record(ChangeKind.Expire, now, key, null, Ticks(expiresAtTicks));
        Store(utf8, slot, _table.Value(slot).ToArray(), seq, expiresAtTicks);
    }

    private void RemoveRecorded(int slot, string key, DateTimeOffset now)
    {
        Record(ChangeKind.Delete, now, key);
        Remove(slot);
    }

    private KeyReply RunSet(KeyCommand c, DateTimeOffset now, long fallback)
    {
        var slot = Slot(c.Key, now, out var utf8);
        var exists = slot >= 0;
        var returnOld = c.Flags.HasFlag(KeyConditions.ReturnOld);
        var old = returnOld && exists ? KeyReply.Of(_table.Value(slot).ToArray()) : KeyReply.Null;
        if ((c.Flags.HasFlag(KeyConditions.IfAbsent) && exists) || (c.Flags.HasFlag(KeyConditions.IfPresent) && !exists))
        {
            return old;
        }

        var ticks = ExplicitExpiry(c, now) ?? (c.Flags.HasFlag(KeyConditions.KeepTtl) && exists ? _table.ExpiresAtTicks(slot) : fallback);
        if (ticks != 0 && ticks <= now.UtcTicks)
        {
            // An expiry already past: the key ends absent, as Redis leaves it.
            if (exists)
            {
                RemoveRecorded(slot, c.Key, now);
            }

            return returnOld ? old : KeyReply.Ok;
        }

        return Put(utf8, slot, c.Key, c.Value ?? [], ticks, now) ?? (returnOld ? old : KeyReply.Ok);
    }

    private KeyReply GetDelete(string key, DateTimeOffset now)
    {
        var slot = Slot(key, now, out _);
        if (slot < 0)
        {
            return KeyReply.Null;
        }

        var value = _table.Value(slot).ToArray();
        RemoveRecorded(slot, key, now);
        return KeyReply.Of(value);
    }

    private KeyReply GetExpire(KeyCommand c, DateTimeOffset now)
    {
        var slot = Slot(c.Key, now, out var utf8);
        if (slot < 0)
        {
            return KeyReply.Null;
        }

        var value = KeyReply.Of(_table.Value(slot).ToArray());
        if (ExplicitExpiry(c, now) is { } ticks)
        {
            if (ticks <= now.UtcTicks)
            {
                RemoveRecorded(slot, c.Key, now);
            }
            else
            {
                Reexpire(utf8, slot, c.Key, ticks, now);
            }
        }
        else if (c.Flags.HasFlag(KeyConditions.Persist) && _table.ExpiresAtTicks(slot) != 0)
        {
            Reexpire(utf8, slot, c.Key, 0, now);
        }

        return value;
    }

    private KeyReply Expire(KeyCommand c, DateTimeOffset now)
    {
        var slot = Slot(c.Key, now, out var utf8);
        if (slot < 0 || ExplicitExpiry(c, now) is not { } ticks)
        {
            return KeyReply.Zero;
        }

        var current = _table.ExpiresAtTicks(slot);
        var flags = c.Flags;
        // No expiry counts as an infinite one for GT and LT, as in Redis.
        var refused = (flags.HasFlag(KeyConditions.IfAbsent) && current != 0)
            || (flags.HasFlag(KeyConditions.IfPresent) && current == 0)
            || (flags.HasFlag(KeyConditions.IfGreater) && (current == 0 || ticks <= current))
            || (flags.HasFlag(KeyConditions.IfLess) && current != 0 && ticks >= current);
        if (refused)
        {
            return KeyReply.Zero;
        }

        if (ticks <= now.UtcTicks)
        {
            RemoveRecorded(slot, c.Key, now);
        }
        else
        {
            Reexpire(utf8, slot, c.Key, ticks, now);
        }

        return KeyReply.One;
    }

    private KeyReply Persist(string key, DateTimeOffset now)
    {
        var slot = Slot(key, now, out var utf8);
        if (slot < 0 || _table.ExpiresAtTicks(slot) == 0)
        {
            return KeyReply.Zero;
        }

        Reexpire(utf8, slot, key, 0, now);
        return KeyReply.One;
    }

    private KeyReply TimeToLive(KeyCommand c, DateTimeOffset now)
    {
        var slot = Slot(c.Key, now, out _);
        if (slot < 0)
        {
            return KeyReply.Of(-2);
        }

        var ticks = _table.ExpiresAtTicks(slot);
        if (ticks == 0)
        {
            return KeyReply.Of(-1);
        }

        var ms = (ticks - now.UtcTicks) / TimeSpan.TicksPerMillisecond;
        return KeyReply.Of(c.Flags.HasFlag(KeyConditions.Seconds) ? (ms + 500) / 1000 : ms);
    }

    private KeyReply ExpireTime(KeyCommand c, DateTimeOffset now)
    {
        var slot = Slot(c.Key, now, out _);
        if (slot < 0)
        {
            return KeyReply.Of(-2);
        }

        var ticks = _table.ExpiresAtTicks(slot);
        if (ticks == 0)
        {
            return KeyReply.Of(-1);
        }

        var ms = new DateTimeOffset(ticks, TimeSpan.Zero).ToUnixTimeMilliseconds();
        return KeyReply.Of(c.Flags.HasFlag(KeyConditions.Seconds) ? ms / 1000 : ms);
    }

    private KeyReply Increment(string key, long by, DateTimeOffset now, long fallback)
    {
        var slot = Slot(key, now, out var utf8);
        long current = 0;
        if (slot >= 0 && !StringValues.TryParseInteger(_table.Value(slot), out current))
        {
            return KeyReply.Fail("ERR value is not an integer or out of range");
        }

        if ((by > 0 && current > long.MaxValue - by) || (by < 0 && current < long.MinValue - by))
        {
            return KeyReply.Fail("ERR increment or decrement would overflow");
        }

        var result = current + by;
        Span<byte> text = stackalloc byte[24];
        Utf8Formatter.TryFormat(result, text, out var written);
        return Put(utf8, slot, key, text[..written].ToArray(), slot >= 0 ? _table.ExpiresAtTicks(slot) : fallback, now) ?? KeyReply.Of(result);
    }

    private KeyReply IncrementFloat(string key, string by, DateTimeOffset now, long fallback)
    {
        var slot = Slot(key, now, out var utf8);
        var current = slot >= 0 ? Encoding.UTF8.GetString(_table.Value(slot)) : "0";
        if (!StringValues.TryParseFloat(current, out _) || !StringValues.TryParseFloat(by, out _))
        {
            return KeyReply.Fail("ERR value is not a valid float");
        }

        if (StringValues.AddFloat(current, by) is not { } sum)
        {
            return KeyReply.Fail("ERR increment would produce NaN or Infinity");
        }

        var bytes = Encoding.UTF8.GetBytes(sum);
        return Put(utf8, slot, key, bytes, slot >= 0 ? _table.ExpiresAtTicks(slot) : fallback, now) ?? KeyReply.Of(bytes);
    }

    private KeyReply Append(string key, byte[] value, DateTimeOffset now, long fallback)
    {
        var slot = Slot(key, now, out var utf8);
        var current = slot >= 0 ? _table.Value(slot) : [];
        if ((long)current.Length + value.Length > _limits.MaxValueBytes)
        {
            return TooLongReply;
        }

        var joined = new byte[current.Length + value.Length];
        current.CopyTo(joined);
        value.CopyTo(joined, current.Length);
        return Put(utf8, slot, key, joined, slot >= 0 ? _table.ExpiresAtTicks(slot) : fallback, now) ?? KeyReply.Of(joined.Length);
    }

    private KeyReply GetRange(KeyCommand c, DateTimeOffset now)
    {
        if (!TryGet(c.Key, now, out var entry))
        {
            return KeyReply.Of(Array.Empty<byte>());
        }

        var length = (long)entry.Value.Length;
        var (start, end) = (c.Number, c.Number2);
        start = start < 0 ? Math.Max(0, length + start) : start;
        end = end < 0 ? Math.Max(0, length + end) : Math.Min(end, length - 1);
        return KeyReply.Of(start > end || length == 0 ? Array.Empty<byte>() : entry.Value[(int)start..(int)(end + 1)]);
    }

    private KeyReply SetRange(KeyCommand c, DateTimeOffset now, long fallback)
    {
        var value = c.Value ?? [];
        var slot = Slot(c.Key, now, out var utf8);
        var current = slot >= 0 ? _table.Value(slot) : [];
        if (value.Length == 0)
        {
            // Nothing to place: no key is created and nothing changes, as in Redis.
            return KeyReply.Of(current.Length);
        }

        var length = Math.Max(current.Length, c.Number + value.Length);
        if (length > _limits.MaxValueBytes)
        {
            return TooLongReply;
        }

        var placed = new byte[length];
        current.CopyTo(placed);
        value.CopyTo(placed, (int)c.Number);
        return Put(utf8, slot, c.Key, placed, slot >= 0 ? _table.ExpiresAtTicks(slot) : fallback, now) ?? KeyReply.Of(length);
    }

    private KeyReply MultiSet(KeyCommand c, DateTimeOffset now, DateTimeOffset? defaultExpiry)
    {
        var keys = c.Keys!;
        var ifAbsent = c.Flags.HasFlag(KeyConditions.IfAbsent);
        if (ifAbsent && keys.Any(k => LiveState(k, now).Exists))
        {
            return KeyReply.Zero;
        }

        var operations = new BatchOperation[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            operations[i] = new BatchOperation(BatchOperationKind.Set, keys[i], c.Values![i]);
        }

        var result = ApplyBatch(operations, _ => defaultExpiry, now);
        return !result.Applied ? BucketFullReply : ifAbsent ? KeyReply.One : KeyReply.Ok;
    }

    private KeyReply Rename(KeyCommand c, DateTimeOffset now)
    {
        var target = c.Target!;
        var ifAbsent = c.Flags.HasFlag(KeyConditions.IfAbsent);
        var from = Slot(c.Key, now, out _);
        if (from < 0)
        {
            return KeyReply.Fail("ERR no such key");
        }

        if (c.Key == target)
        {
            return ifAbsent ? KeyReply.Zero : KeyReply.Ok;
        }

        var to = Slot(target, now, out var targetUtf8);
        if (ifAbsent && to >= 0)
        {
            return KeyReply.Zero;
        }

        var value = _table.Value(from).ToArray();
        var ticks = _table.ExpiresAtTicks(from);
        if (!HasRoomFor(DeleteGrowth(StateAt(from)) + SetGrowth(StateAt(to), targetUtf8.Length + value.Length), now))
        {
            return BucketFullReply;
        }

        RemoveRecorded(from, c.Key, now);
        // The removal may have freed a slot but never moves a live one: the target's slot still holds.
        Put(targetUtf8, to, target, value, ticks, now);
        return ifAbsent ? KeyReply.One : KeyReply.Ok;
    }

    private KeyReply Clear(DateTimeOffset now)
    {
        if (_table.Count > 0)
        {
            Record(ChangeKind.Clear, now, "");
            RemoveAll();
        }

        return KeyReply.Ok;
    }

    private KeyReply Scan(KeyCommand c, DateTimeOffset now)
    {
        // The cursor is a slot index: slots never move, so a key present for the whole walk is
        // returned (Redis's guarantee); one added meanwhile may or may not be.
        var pattern = c.Target is null ? null : Encoding.UTF8.GetBytes(c.Target);
        var nowTicks = now.UtcTicks;
        var slot = (int)Math.Clamp(c.Number, 0, _table.HighWater);
        var keys = new List<KeyReply>();
        for (var examined = 0L; slot < _table.HighWater && examined < c.Number2; slot++, examined++)
        {
            if (_table.IsLive(slot) && !IsExpired(slot, nowTicks) && Matches(pattern, slot))
            {
                keys.Add(KeyReply.Of(_table.Key(slot).ToArray()));
            }
        }

        var next = slot >= _table.HighWater ? 0 : slot;
        return KeyReply.Of([KeyReply.Of(Encoding.ASCII.GetBytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture))), KeyReply.Of(keys)]);
    }

    private KeyReply KeysMatching(KeyCommand c, DateTimeOffset now)
    {
        var pattern = c.Target is null or "*" ? null : Encoding.UTF8.GetBytes(c.Target);
        var nowTicks = now.UtcTicks;
        var keys = new List<KeyReply>();
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (_table.IsLive(slot) && !IsExpired(slot, nowTicks) && Matches(pattern, slot))
            {
                if (keys.Count >= c.Number2)
                {
                    return KeyReply.Fail($"ERR KEYS would return more than {c.Number2} keys (Buckets:Resp:MaxKeysReply); use SCAN");
                }

                keys.Add(KeyReply.Of(_table.Key(slot).ToArray()));
            }
        }

        return KeyReply.Of(keys);
    }

    private KeyReply Keyspace(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        long live = 0, expiring = 0;
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (_table.IsLive(slot) && !IsExpired(slot, nowTicks))
            {
                live++;
                expiring += _table.ExpiresAtTicks(slot) != 0 ? 1 : 0;
            }
        }

        return KeyReply.Of([KeyReply.Of(live), KeyReply.Of(expiring)]);
    }

    private bool Matches(byte[]? pattern, int slot) => pattern is null || GlobPattern.IsMatch(pattern, _table.Key(slot));

    /// <summary>The command's own expiry as UTC ticks, or <c>null</c> when it names none.</summary>
    private static long? ExplicitExpiry(KeyCommand c, DateTimeOffset now) =>
        c.RelativeMs is { } ms ? now.UtcTicks + (ms * TimeSpan.TicksPerMillisecond)
        : c.AtUnixMs is { } at ? DateTimeOffset.UnixEpoch.UtcTicks + (at * TimeSpan.TicksPerMillisecond)
        : null;

    /// <summary>Refuses an expiry further ahead than the bucket keeps entries (or one whose ticks would overflow).</summary>
    private KeyReply? ExpiryError(KeyCommand c, DateTimeOffset now)
    {
        var maxMs = _limits.MaxTtlSeconds * 1000;
        var nowMs = now.ToUnixTimeMilliseconds();
        var ahead = c.RelativeMs ?? (c.AtUnixMs is { } at ? at - nowMs : 0);
        var tooEarly = c.AtUnixMs is < 0 || c.RelativeMs is { } r && r < -nowMs;
        return ahead > maxMs || tooEarly
            ? KeyReply.Fail($"ERR invalid expire time: at most {_limits.MaxTtlSeconds} seconds ahead (Buckets:Limits:MaxTtlSeconds)")
            : null;
    }

    private static DateTimeOffset? Ticks(long expiresAtTicks) => expiresAtTicks == 0 ? null : new DateTimeOffset(expiresAtTicks, TimeSpan.Zero);

    private static readonly KeyReply BucketFullReply =
        KeyReply.Fail("OOM command not allowed: the bucket holds its maximum number of entries or bytes (Buckets:Limits)");

    private KeyReply TooLongReply =>
        KeyReply.Fail($"ERR string exceeds maximum allowed size (Buckets:Limits:MaxValueBytes is {_limits.MaxValueBytes})");
}
