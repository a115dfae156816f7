using System.Buffers;
using System.Text;
using Buckets.Resp.Protocol;
using CsCheck;

namespace Buckets.Resp.Tests;

/// <summary>The RESP frame parser: whole, split, malformed and oversized input.</summary>
public sealed class ParserTests
{
    private static readonly RespParserLimits Limits = new(MaxInlineBytes: 1024, MaxArguments: 64, MaxBulkBytes: 4096, MaxCommandBytes: 16 * 1024);

    [Fact]
    public void ArrayOfBulkStringsIsOneCommand()
    {
        var commands = ParseAll("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nx!\r\n"u8.ToArray());

        var command = Assert.Single(commands);
        Assert.Equal(["SET", "k", "v\r\nx!"], command.Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public void InlineCommandSplitsOnSpacesAndHonoursQuotes()
    {
        var commands = ParseAll("SET greeting \"hello world\\n\" 'it\\'s'\r\nPING\r\n\r\n"u8.ToArray());

        Assert.Equal(2, commands.Count);
        Assert.Equal(["SET", "greeting", "hello world\n", "it's"], commands[0].Select(Encoding.UTF8.GetString));
        Assert.Equal(["PING"], commands[1].Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public void BinaryBulkRoundTripsExactly()
    {
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var frame = Frame(["SET"u8.ToArray(), "k"u8.ToArray(), value]);

        var command = Assert.Single(ParseAll(frame));

        Assert.Equal(value, command[2]);
    }

    [Fact]
    public void FrameSplitAtEveryByteGivesTheSameCommands()
    {
        var frame = Frame(["MSET"u8.ToArray(), "a"u8.ToArray(), new byte[300], "b"u8.ToArray(), "2"u8.ToArray()]);
        var whole = ParseAll(frame);
        for (var cut = 1; cut < frame.Length; cut++)
        {
            var parser = new RespParser(Limits);
            var found = Feed(parser, frame.AsSpan(0, cut).ToArray(), out var rest);
            found.AddRange(Feed(parser, [.. rest, .. frame.AsSpan(cut)], out _));
            Assert.Equal(whole.Count, found.Count);
            Assert.Equal(whole[0][2], found[0][2]);
        }
    }

    [Fact]
    public void TruncatedFrameWaitsForMoreAndKeepsOnlyWhatArrived()
    {
        var parser = new RespParser(Limits);
        var commands = Feed(parser, "*2\r\n$3\r\nGET\r\n$4000\r\nab"u8.ToArray(), out var rest);

        Assert.Empty(commands);
        Assert.True(parser.InCommand);
        // Bulk bytes are taken into the parser as they come: nothing waits in the transport buffer.
        Assert.Empty(rest);
    }

    [Theory]
    [InlineData("*2\r\n$3\r\nGET\r\n$x\r\n", "invalid bulk length")]
    [InlineData("*abc\r\n", "invalid multibulk length")]
    [InlineData("*65\r\n", "invalid multibulk length")]
    [InlineData("*1\r\n$4097\r\n", "invalid bulk length")]
    [InlineData("*1\r\n$-5\r\n", "invalid bulk length")]
    [InlineData("*1\r\n+OK\r\n", "expected '$', got '+'")]
    [InlineData("*1\r\n$2\r\nabXY", "expected '\\r\\n' after a bulk string")]
    [InlineData("\"unbalanced\r\n", "unbalanced quotes in request")]
    public void MalformedFrameIsAProtocolErrorWithRedisWording(string input, string message)
    {
        var error = Assert.Throws<RespProtocolException>(() => ParseAll(Encoding.Latin1.GetBytes(input)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void InlineLineLongerThanTheLimitIsRefusedBeforeItEnds()
    {
        var error = Assert.Throws<RespProtocolException>(() => ParseAll(Encoding.ASCII.GetBytes(new string('a', 2000))));

        Assert.Equal("too big inline request", error.Message);
    }

    [Fact]
    public void CommandLargerThanItsByteLimitIsRefused()
    {
        var frame = Frame([.. Enumerable.Repeat(new byte[4000], 5)]);

        var error = Assert.Throws<RespProtocolException>(() => ParseAll(frame));

        Assert.Contains("MaxCommandBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeDeclaredCountsAllocateNothingUpFront()
    {
        var limits = Limits with { MaxArguments = 1024 * 1024 };
        var parser = new RespParser(limits);
        var before = GC.GetAllocatedBytesForCurrentThread();

        Feed(parser, "*1048576\r\n"u8.ToArray(), out _);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4096, "a declared count must not allocate its arguments");
    }

    [Fact]
    public void RandomBytesNeverCrashTheParserOrExceedItsBounds()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var parser = new RespParser(Limits);
            try
            {
                foreach (var command in Feed(parser, bytes, out _))
                {
                    Assert.InRange(command.Length, 1, Limits.MaxArguments);
                    Assert.All(command, arg => Assert.True(arg.Length <= Math.Max(Limits.MaxBulkBytes, Limits.MaxInlineBytes)));
                }
            }
            catch (RespProtocolException)
            {
                // The only failure allowed: a protocol error the connection answers before closing.
            }
        }, iter: 5000);
    }

    [Fact]
    public void MutatedValidFramesNeverCrashTheParser()
    {
        var frame = Frame(["SET"u8.ToArray(), "key"u8.ToArray(), "value"u8.ToArray()]);
        Gen.Select(Gen.Int[0, frame.Length - 1], Gen.Byte, Gen.Int[0, frame.Length]).Sample((position, value, cut) =>
        {
            var mutated = (byte[])frame.Clone();
            mutated[position] = value;
            var parser = new RespParser(Limits);
            try
            {
                Feed(parser, mutated.AsSpan(0, cut).ToArray(), out var rest);
                Feed(parser, [.. rest, .. mutated.AsSpan(cut)], out _);
            }
            catch (RespProtocolException)
            {
            }
        }, iter: 5000);
    }

    private static byte[] Frame(byte[][] args)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.ArrayHeader(output, args.Length);
        foreach (var arg in args)
        {
            RespWriter.Bulk(output, arg);
        }

        return output.WrittenSpan.ToArray();
    }

    private static List<byte[][]> ParseAll(byte[] bytes) => Feed(new RespParser(Limits), bytes, out _);

    /// <summary>Feeds bytes as one read; returns the commands and the bytes the parser left unconsumed.</summary>
    private static List<byte[][]> Feed(RespParser parser, byte[] bytes, out byte[] rest)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var commands = new List<byte[][]>();
        try
        {
            while (parser.TryRead(ref buffer, out var command))
            {
                commands.Add(command);
            }
        }
        finally
        {
            rest = buffer.ToArray();
        }

        return commands;
    }
}
