using System.Text;
using Buckets.Abstractions;
using Buckets.Abstractions.Commands;
using Buckets.Core;
using Buckets.Resp.Commands;

namespace Buckets.Resp.Tests;

/// <summary>Redis 7 semantics of the key commands: RESP arguments read into bucket commands and run against a bucket map.</summary>
public sealed class CommandSemanticsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly BucketMap _map = new(new LimitsOptions { MaxValueBytes = 64, MaxEntriesPerBucket = 100 }) { Journal = new ChangeJournal(1000, 0) };
    private readonly RespOptions _options = new() { MaxKeysReply = 3 };
    private DateTimeOffset _now = Now;

    [Fact]
    public void IncrementsFollowRedisErrorsAndOverflow()
    {
        Assert.Equal(":1", Run("INCR", "n"));
        Assert.Equal(":-9", Run("DECRBY", "n", "10"));
        Assert.Equal("OK", Run("SET", "n", "9223372036854775807"));
        Assert.Equal("-ERR increment or decrement would overflow", Run("INCR", "n"));
        Assert.Equal("OK", Run("SET", "t", "012"));
        Assert.Equal("-ERR value is not an integer or out of range", Run("INCR", "t"));
        Assert.Equal("-ERR value is not an integer or out of range", Run("INCRBY", "n", "1.5"));
        Assert.Equal("-ERR decrement would overflow", Run("DECRBY", "n", "-9223372036854775808"));
    }

    [Fact]
    public void FloatIncrementsPrintAsRedisDoes()
    {
        Assert.Equal("$0.1", Run("INCRBYFLOAT", "f", "0.1"));
        Assert.Equal("$0.3", Run("INCRBYFLOAT", "f", "0.2"));
        Assert.Equal("$5000.3", Run("INCRBYFLOAT", "f", "5.0e3"));
        Assert.Equal("-ERR value is not a valid float", Run("INCRBYFLOAT", "f", "abc"));
        Assert.Equal("OK", Run("SET", "s", "text"));
        Assert.Equal("-ERR value is not a valid float", Run("INCRBYFLOAT", "s", "1"));
    }

    [Fact]
    public void SetHonoursItsConditionsAndReturnsTheOldValue()
    {
        Assert.Equal("$nil", Run("SET", "k", "1", "XX"));
        Assert.Equal("OK", Run("SET", "k", "1", "NX"));
        Assert.Equal("$nil", Run("SET", "k", "2", "NX"));
        Assert.Equal("$1", Run("SET", "k", "3", "GET"));
        Assert.Equal("$3", Run("GETSET", "k", "4"));
        Assert.Equal("-ERR syntax error", Run("SET", "k", "1", "NX", "XX"));
        Assert.Equal("-ERR syntax error", Run("SET", "k", "1", "EX", "10", "PX", "10"));
        Assert.Equal("-ERR invalid expire time in 'set' command", Run("SET", "k", "1", "EX", "0"));
        Assert.Equal(":1", Run("SETNX", "new", "v"));
        Assert.Equal(":0", Run("SETNX", "new", "v"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command", Run("GET"));
    }

    [Fact]
    public void ExpiryCommandsFollowNxXxGtLtAndKeepTtl()
    {
        Assert.Equal("OK", Run("SET", "k", "v", "EX", "100"));
        Assert.Equal(":100", Run("TTL", "k"));
        Assert.Equal(":0", Run("EXPIRE", "k", "50", "GT"));
        Assert.Equal(":1", Run("EXPIRE", "k", "50", "LT"));
        Assert.Equal(":50000", Run("PTTL", "k"));
        Assert.Equal(":0", Run("EXPIRE", "k", "10", "NX"));
        Assert.Equal("OK", Run("SET", "k", "w", "KEEPTTL"));
        Assert.Equal(":50", Run("TTL", "k"));
        Assert.Equal($":{Now.ToUnixTimeSeconds() + 50}", Run("EXPIRETIME", "k"));
        Assert.Equal(":1", Run("PERSIST", "k"));
        Assert.Equal(":-1", Run("TTL", "k"));
        Assert.Equal(":-2", Run("TTL", "absent"));
        Assert.Equal(":0", Run("EXPIRE", "k", "10", "GT"));
        Assert.Equal("-ERR NX and XX, GT or LT options at the same time are not compatible", Run("EXPIRE", "k", "10", "NX", "GT"));
        Assert.Equal(":1", Run("EXPIRE", "k", "-1"));
        Assert.Equal(":0", Run("EXISTS", "k"));
    }

    [Fact]
    public void EntryExpiresWhenItsTimeComes()
    {
        Assert.Equal("OK", Run("SET", "k", "v", "PX", "1500"));
        _now = _now.AddMilliseconds(1499);
        Assert.Equal("$v", Run("GET", "k"));
        _now = _now.AddMilliseconds(1);
        Assert.Equal("$nil", Run("GET", "k"));
    }

    [Fact]
    public void RangesAndAppendFollowRedisIndexing()
    {
        Assert.Equal(":5", Run("APPEND", "s", "Hello"));
        Assert.Equal(":11", Run("APPEND", "s", " World"));
        Assert.Equal("$World", Run("GETRANGE", "s", "-5", "-1"));
        Assert.Equal("$Hello World", Run("GETRANGE", "s", "0", "100"));
        Assert.Equal("$", Run("GETRANGE", "s", "5", "2"));
        Assert.Equal(":11", Run("SETRANGE", "s", "6", "Redis"));
        Assert.Equal("$Hello Redis", Run("GET", "s"));
        Assert.Equal(":3", Run("SETRANGE", "pad", "2", "x"));
        Assert.Equal("$\0\0x", Run("GET", "pad"));
        Assert.Equal(":0", Run("SETRANGE", "none", "5", ""));
        Assert.Equal(":0", Run("EXISTS", "none"));
        Assert.Equal("-ERR offset is out of range", Run("SETRANGE", "s", "-1", "x"));
        Assert.StartsWith("-ERR string exceeds maximum allowed size", Run("SETRANGE", "s", "64", "x"), StringComparison.Ordinal);
        Assert.Equal(":11", Run("STRLEN", "s"));
    }

    [Fact]
    public void RenameKeepsTheExpiryAndRefusesWhatRedisRefuses()
    {
        Assert.Equal("-ERR no such key", Run("RENAME", "a", "b"));
        Assert.Equal("OK", Run("SET", "a", "1", "EX", "30"));
        Assert.Equal("OK", Run("SET", "c", "3"));
        Assert.Equal(":0", Run("RENAMENX", "a", "c"));
        Assert.Equal("OK", Run("RENAME", "a", "b"));
        Assert.Equal(":30", Run("TTL", "b"));
        Assert.Equal(":0", Run("EXISTS", "a"));
        Assert.Equal("$1", Run("GETDEL", "b"));
        Assert.Equal("$nil", Run("GETDEL", "b"));
    }

    [Fact]
    public void MultiKeyCommandsCountAndSetTogether()
    {
        Assert.Equal("OK", Run("MSET", "a", "1", "b", "2"));
        Assert.Equal("[$1,$2,$nil]", Run("MGET", "a", "b", "c"));
        Assert.Equal(":0", Run("MSETNX", "c", "3", "a", "9"));
        Assert.Equal("$nil", Run("GET", "c"));
        Assert.Equal(":3", Run("EXISTS", "a", "a", "b"));
        Assert.Equal(":2", Run("DEL", "a", "b", "c"));
        Assert.Equal("-ERR wrong number of arguments for 'mset' command", Run("MSET", "a", "1", "b"));
    }

    [Fact]
    public void ScanWalksEveryKeyOnceAndKeysIsBounded()
    {
        for (var i = 0; i < 25; i++)
        {
            Run("SET", $"k{i}", "v");
        }

        Run("SET", "other", "v");
        var seen = new List<string>();
        var cursor = "0";
        do
        {
            var reply = RunReply("SCAN", cursor, "MATCH", "k*", "COUNT", "4");
            cursor = Encoding.ASCII.GetString(reply.Items![0].Bytes!);
            seen.AddRange(reply.Items[1].Items!.Select(k => Encoding.UTF8.GetString(k.Bytes!)));
        }
        while (cursor != "0");

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
        Assert.Equal("[$other]", Run("KEYS", "o*"));
        Assert.StartsWith("-ERR KEYS would return more than 3 keys", Run("KEYS", "*"), StringComparison.Ordinal);
        Assert.Equal("[$0,[]]", Run("SCAN", "0", "TYPE", "hash"));
        Assert.Equal(":26", Run("DBSIZE"));
    }

    [Fact]
    public void ChangesAreJournalledAsTheBackupRecordsThem()
    {
        Run("INCR", "n");
        Run("EXPIRE", "n", "60");
        Run("RENAME", "n", "m");
        Run("FLUSHDB");

        var kinds = _map.Journal!.ChangesAfter(0, 100)!.Select(c => (c.Kind, c.Key)).ToList();

        Assert.Equal([(ChangeKind.Set, "n"), (ChangeKind.Expire, "n"), (ChangeKind.Delete, "n"), (ChangeKind.Set, "m"), (ChangeKind.Clear, "")], kinds);
        Assert.Equal(":0", Run("DBSIZE"));
    }

    [Fact]
    public void NonUtf8KeyIsRefusedButBinaryValuesRoundTrip()
    {
        var value = new byte[] { 0xff, 0x00, 0xfe };
        Assert.True(KeyCommands.TryTranslate("SET", ["SET"u8.ToArray(), "bin"u8.ToArray(), value], _options, out var set));
        _map.Run(set.Command!, _now, null);
        Assert.Equal(value, RunReply("GET", "bin").Bytes);

        Assert.True(KeyCommands.TryTranslate("GET", ["GET"u8.ToArray(), [0xff]], _options, out var bad));
        Assert.Null(bad.Command);
        Assert.StartsWith("ERR invalid key", bad.Immediate!.Error, StringComparison.Ordinal);
    }

    private KeyReply RunReply(params string[] args)
    {
        var bytes = args.Select(Encoding.UTF8.GetBytes).ToArray();
        Assert.True(KeyCommands.TryTranslate(args[0], bytes, _options, out var translation), args[0]);
        var reply = translation.Command is { } command ? _map.Run(command, _now, null) : translation.Immediate!;
        return translation.Shape == ReplyShape.OkAsOne && reply.Kind is KeyReplyKind.Ok or KeyReplyKind.Null
            ? KeyReply.Of(reply.Kind == KeyReplyKind.Ok ? 1 : 0)
            : reply;
    }

    private string Run(params string[] args) => Render(RunReply(args));

    private static string Render(KeyReply reply) => reply.Kind switch
    {
        KeyReplyKind.Ok => "OK",
        KeyReplyKind.Null => "$nil",
        KeyReplyKind.Number => ":" + reply.Number,
        KeyReplyKind.Bulk or KeyReplyKind.Status => "$" + Encoding.UTF8.GetString(reply.Bytes!),
        KeyReplyKind.Array => "[" + string.Join(",", reply.Items!.Select(Render)) + "]",
        _ => "-" + reply.Error,
    };
}
