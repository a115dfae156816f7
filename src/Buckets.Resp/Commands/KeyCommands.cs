using System.Collections.Frozen;
using System.Text;
using Buckets.Abstractions.Commands;
using Buckets.Core;

namespace Buckets.Resp.Commands;

/// <summary>
/// The RESP commands that act on the bucket's keys, read into <see cref="KeyCommand"/>s with Redis 7's
/// arities, options and error strings. Keys must be UTF-8 text (the bucket's keys are strings, the
/// same on both protocols); values are any bytes.
/// </summary>
internal static class KeyCommands
{
    private const string Syntax = "ERR syntax error";
    private const string NotInteger = "ERR value is not an integer or out of range";

    private delegate KeyCommandTranslation Reader(byte[][] args, RespOptions options);

    /// <summary>Name → (Redis arity: exact when positive, at least |n| when negative; reader).</summary>
    private static readonly FrozenDictionary<string, (int Arity, Reader Read)> Table = new Dictionary<string, (int, Reader)>(StringComparer.OrdinalIgnoreCase)
    {
        ["GET"] = (2, (a, _) => Run(new(KeyCommandKind.Get, Key(a[1])))),
        ["SET"] = (-3, (a, _) => ReadSet(a)),
        ["SETNX"] = (3, (a, _) => Run(new(KeyCommandKind.Set, Key(a[1]), a[2], Flags: KeyConditions.IfAbsent), ReplyShape.OkAsOne)),
        ["SETEX"] = (4, (a, _) => Run(new(KeyCommandKind.Set, Key(a[1]), a[3], RelativeMs: PositiveMs(a[2], 1000, "setex")))),
        ["PSETEX"] = (4, (a, _) => Run(new(KeyCommandKind.Set, Key(a[1]), a[3], RelativeMs: PositiveMs(a[2], 1, "psetex")))),
        ["GETSET"] = (3, (a, _) => Run(new(KeyCommandKind.Set, Key(a[1]), a[2], Flags: KeyConditions.ReturnOld))),
        ["GETDEL"] = (2, (a, _) => Run(new(KeyCommandKind.GetDelete, Key(a[1])))),
        ["GETEX"] = (-2, (a, _) => ReadGetEx(a)),
        ["MGET"] = (-2, (a, _) => Run(new(KeyCommandKind.MultiGet, Keys: Keys(a, 1, 1)))),
        ["MSET"] = (-3, (a, _) => ReadMultiSet(a, "mset", KeyConditions.None)),
        ["MSETNX"] = (-3, (a, _) => ReadMultiSet(a, "msetnx", KeyConditions.IfAbsent)),
        ["DEL"] = (-2, (a, _) => Run(new(KeyCommandKind.Delete, Keys: Keys(a, 1, 1)))),
        ["UNLINK"] = (-2, (a, _) => Run(new(KeyCommandKind.Delete, Keys: Keys(a, 1, 1)))),
        ["EXISTS"] = (-2, (a, _) => Run(new(KeyCommandKind.Exists, Keys: Keys(a, 1, 1)))),
        ["EXPIRE"] = (-3, (a, _) => ReadExpire(a, 1000, relative: true, "expire")),
        ["PEXPIRE"] = (-3, (a, _) => ReadExpire(a, 1, relative: true, "pexpire")),
        ["EXPIREAT"] = (-3, (a, _) => ReadExpire(a, 1000, relative: false, "expireat")),
        ["PEXPIREAT"] = (-3, (a, _) => ReadExpire(a, 1, relative: false, "pexpireat")),
        ["TTL"] = (2, (a, _) => Run(new(KeyCommandKind.TimeToLive, Key(a[1]), Flags: KeyConditions.Seconds))),
        ["PTTL"] = (2, (a, _) => Run(new(KeyCommandKind.TimeToLive, Key(a[1])))),
        ["EXPIRETIME"] = (2, (a, _) => Run(new(KeyCommandKind.ExpireTime, Key(a[1]), Flags: KeyConditions.Seconds))),
        ["PEXPIRETIME"] = (2, (a, _) => Run(new(KeyCommandKind.ExpireTime, Key(a[1])))),
        ["PERSIST"] = (2, (a, _) => Run(new(KeyCommandKind.Persist, Key(a[1])))),
        ["INCR"] = (2, (a, _) => Run(new(KeyCommandKind.Increment, Key(a[1]), Number: 1))),
        ["DECR"] = (2, (a, _) => Run(new(KeyCommandKind.Increment, Key(a[1]), Number: -1))),
        ["INCRBY"] = (3, (a, _) => Run(new(KeyCommandKind.Increment, Key(a[1]), Number: Integer(a[2])))),
        ["DECRBY"] = (3, (a, _) => Run(new(KeyCommandKind.Increment, Key(a[1]), Number: Negated(Integer(a[2]))))),
        ["INCRBYFLOAT"] = (3, (a, _) => Run(new(KeyCommandKind.IncrementFloat, Key(a[1]), Amount: FloatText(a[2])))),
        ["APPEND"] = (3, (a, _) => Run(new(KeyCommandKind.Append, Key(a[1]), a[2]))),
        ["STRLEN"] = (2, (a, _) => Run(new(KeyCommandKind.Length, Key(a[1])))),
        ["GETRANGE"] = (4, (a, _) => Run(new(KeyCommandKind.GetRange, Key(a[1]), Number: Integer(a[2]), Number2: Integer(a[3])))),
        ["SUBSTR"] = (4, (a, _) => Run(new(KeyCommandKind.GetRange, Key(a[1]), Number: Integer(a[2]), Number2: Integer(a[3])))),
        ["SETRANGE"] = (4, (a, _) => Run(new(KeyCommandKind.SetRange, Key(a[1]), a[3], Number: Offset(a[2])))),
        ["RENAME"] = (3, (a, _) => Run(new(KeyCommandKind.Rename, Key(a[1]), Target: Key(a[2])))),
        ["RENAMENX"] = (3, (a, _) => Run(new(KeyCommandKind.Rename, Key(a[1]), Target: Key(a[2]), Flags: KeyConditions.IfAbsent))),
        ["TYPE"] = (2, (a, _) => Run(new(KeyCommandKind.Type, Key(a[1])))),
        ["DBSIZE"] = (1, (_, _) => Run(new(KeyCommandKind.Count))),
        ["FLUSHDB"] = (-1, (a, _) => ReadFlush(a)),
        ["FLUSHALL"] = (-1, (a, _) => ReadFlush(a)),
        ["KEYS"] = (2, (a, c) => Run(new(KeyCommandKind.KeysMatching, Target: Text(a[1]), Number2: c.MaxKeysReply))),
        ["SCAN"] = (-2, (a, _) => ReadScan(a)),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names this table serves, for COMMAND.</summary>
    public static IEnumerable<(string Name, int Arity)> Names => Table.Select(e => (e.Key, e.Value.Arity));

    /// <summary>True when <paramref name="name"/> is a key command; <paramref name="translation"/> is then its bucket command or its error.</summary>
    public static bool TryTranslate(string name, byte[][] args, RespOptions options, out KeyCommandTranslation translation)
    {
        if (!Table.TryGetValue(name, out var entry))
        {
            translation = default;
            return false;
        }

        if (entry.Arity > 0 ? args.Length != entry.Arity : args.Length < -entry.Arity)
        {
            translation = new(null, KeyReply.Fail($"ERR wrong number of arguments for '{name.ToLowerInvariant()}' command"));
            return true;
        }

        try
        {
            translation = entry.Read(args, options);
        }
        catch (RespCommandError e)
        {
            translation = new(null, KeyReply.Fail(e.Message));
        }

        return true;
    }

    private static KeyCommandTranslation Run(KeyCommand command, ReplyShape shape = ReplyShape.AsIs) => new(command, null, shape);

    private static KeyCommandTranslation ReadSet(byte[][] a)
    {
        var flags = KeyConditions.None;
        long? relative = null, at = null;
        var expiries = 0;
        for (var i = 3; i < a.Length; i++)
        {
            var option = Text(a[i]).ToUpperInvariant();
            switch (option)
            {
                case "NX" when !flags.HasFlag(KeyConditions.IfPresent):
                    flags |= KeyConditions.IfAbsent;
                    break;
                case "XX" when !flags.HasFlag(KeyConditions.IfAbsent):
                    flags |= KeyConditions.IfPresent;
                    break;
                case "GET":
                    flags |= KeyConditions.ReturnOld;
                    break;
                case "KEEPTTL" when expiries == 0:
                    flags |= KeyConditions.KeepTtl;
                    expiries++;
                    break;
                case "EX" or "PX" or "EXAT" or "PXAT" when expiries == 0 && i + 1 < a.Length:
                    var ms = PositiveMs(a[++i], option is "EX" or "EXAT" ? 1000 : 1, "set");
                    if (option.EndsWith("AT", StringComparison.Ordinal))
                    {
                        at = ms;
                    }
                    else
                    {
                        relative = ms;
                    }

                    expiries++;
                    break;
                default:
                    throw new RespCommandError(Syntax);
            }
        }

        return Run(new(KeyCommandKind.Set, Key(a[1]), a[2], RelativeMs: relative, AtUnixMs: at, Flags: flags));
    }

    private static KeyCommandTranslation ReadGetEx(byte[][] a)
    {
        if (a.Length == 2)
        {
            return Run(new(KeyCommandKind.GetExpire, Key(a[1])));
        }

        var option = Text(a[2]).ToUpperInvariant();
        return option switch
        {
            "PERSIST" when a.Length == 3 => Run(new(KeyCommandKind.GetExpire, Key(a[1]), Flags: KeyConditions.Persist)),
            "EX" when a.Length == 4 => Run(new(KeyCommandKind.GetExpire, Key(a[1]), RelativeMs: PositiveMs(a[3], 1000, "getex"))),
            "PX" when a.Length == 4 => Run(new(KeyCommandKind.GetExpire, Key(a[1]), RelativeMs: PositiveMs(a[3], 1, "getex"))),
            "EXAT" when a.Length == 4 => Run(new(KeyCommandKind.GetExpire, Key(a[1]), AtUnixMs: PositiveMs(a[3], 1000, "getex"))),
            "PXAT" when a.Length == 4 => Run(new(KeyCommandKind.GetExpire, Key(a[1]), AtUnixMs: PositiveMs(a[3], 1, "getex"))),
            _ => throw new RespCommandError(Syntax),
        };
    }

    private static KeyCommandTranslation ReadMultiSet(byte[][] a, string name, KeyConditions flags)
    {
        if (a.Length % 2 == 0)
        {
            throw new RespCommandError($"ERR wrong number of arguments for '{name}' command");
        }

        var values = new byte[(a.Length - 1) / 2][];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = a[2 + (2 * i)];
        }

        return Run(new(KeyCommandKind.MultiSet, Keys: Keys(a, 1, 2), Values: values, Flags: flags));
    }

    private static KeyCommandTranslation ReadExpire(byte[][] a, long unitMs, bool relative, string name)
    {
        var flags = KeyConditions.None;
        for (var i = 3; i < a.Length; i++)
        {
            flags |= Text(a[i]).ToUpperInvariant() switch
            {
                "NX" => KeyConditions.IfAbsent,
                "XX" => KeyConditions.IfPresent,
                "GT" => KeyConditions.IfGreater,
                "LT" => KeyConditions.IfLess,
                var other => throw new RespCommandError($"ERR Unsupported option {Text(a[i])}"),
            };
        }

        if (flags.HasFlag(KeyConditions.IfAbsent) && flags != KeyConditions.IfAbsent)
        {
            throw new RespCommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }

        if (flags.HasFlag(KeyConditions.IfGreater) && flags.HasFlag(KeyConditions.IfLess))
        {
            throw new RespCommandError("ERR GT and LT options at the same time are not compatible");
        }

        var amount = Integer(a[2]);
        if (amount > long.MaxValue / unitMs || amount < long.MinValue / unitMs)
        {
            throw new RespCommandError($"ERR invalid expire time in '{name}' command");
        }

        // A relative time in the past (or an absolute one) deletes the key, as in Redis: the bucket decides.
        var ms = amount * unitMs;
        return Run(relative
            ? new(KeyCommandKind.Expire, Key(a[1]), RelativeMs: ms, Flags: flags)
            : new(KeyCommandKind.Expire, Key(a[1]), AtUnixMs: Math.Max(0, ms), Flags: flags));
    }

    private static KeyCommandTranslation ReadFlush(byte[][] a)
    {
        if (a.Length > 2 || (a.Length == 2 && Text(a[1]).ToUpperInvariant() is not ("ASYNC" or "SYNC")))
        {
            throw new RespCommandError(Syntax);
        }

        return Run(new(KeyCommandKind.Clear));
    }

    private static KeyCommandTranslation ReadScan(byte[][] a)
    {
        if (!StringValues.TryParseInteger(a[1], out var cursor) || cursor < 0)
        {
            throw new RespCommandError("ERR invalid cursor");
        }

        string? pattern = null;
        long count = 10;
        var onlyStrings = true;
        for (var i = 2; i < a.Length; i++)
        {
            var option = Text(a[i]).ToUpperInvariant();
            if (i + 1 >= a.Length)
            {
                throw new RespCommandError(Syntax);
            }

            switch (option)
            {
                case "MATCH":
                    pattern = Text(a[++i]);
                    break;
                case "COUNT":
                    count = Integer(a[++i]);
                    if (count < 1)
                    {
                        throw new RespCommandError(Syntax);
                    }

                    break;
                case "TYPE":
                    onlyStrings = Text(a[++i]).Equals("string", StringComparison.OrdinalIgnoreCase);
                    break;
                default:
                    throw new RespCommandError(Syntax);
            }
        }

        // Every entry is a string: asking for another type walks nothing and finds nothing.
        return onlyStrings
            ? Run(new(KeyCommandKind.Scan, Number: cursor, Number2: count, Target: pattern is "*" ? null : pattern))
            : new(null, KeyReply.Of([KeyReply.Of("0"u8.ToArray()), KeyReply.Of(Array.Empty<KeyReply>())]));
    }

    /// <summary>A key: UTF-8 text, as the bucket keys are on both protocols.</summary>
    private static string Key(byte[] bytes)
    {
        try
        {
            return KeyRules.StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new RespCommandError("ERR invalid key: keys must be UTF-8 text (values may be any bytes)");
        }
    }

    private static List<string> Keys(byte[][] a, int first, int step)
    {
        var keys = new List<string>((a.Length - first + step - 1) / step);
        for (var i = first; i < a.Length; i += step)
        {
            keys.Add(Key(a[i]));
        }

        return keys;
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static long Integer(byte[] bytes) => StringValues.TryParseInteger(bytes, out var value) ? value : throw new RespCommandError(NotInteger);

    private static long Negated(long value) => value == long.MinValue ? throw new RespCommandError("ERR decrement would overflow") : -value;

    private static long Offset(byte[] bytes)
    {
        var offset = Integer(bytes);
        return offset < 0 ? throw new RespCommandError("ERR offset is out of range") : offset;
    }

    private static string FloatText(byte[] bytes)
    {
        var text = Text(bytes);
        return StringValues.TryParseFloat(text, out _) ? text : throw new RespCommandError("ERR value is not a valid float");
    }

    /// <summary>A positive time in <paramref name="unitMs"/> units as milliseconds, or Redis's "invalid expire time" error.</summary>
    private static long PositiveMs(byte[] bytes, long unitMs, string name)
    {
        var amount = Integer(bytes);
        if (amount <= 0 || amount > long.MaxValue / unitMs)
        {
            throw new RespCommandError($"ERR invalid expire time in '{name}' command");
        }

        return amount * unitMs;
    }
}
