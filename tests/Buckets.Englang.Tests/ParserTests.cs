using System.Text;
using CsCheck;

namespace Buckets.Englang.Tests;

public class ParserTests
{
    private const string Prefix = "On 2026-11-25 at 00:31:09.123 UTC, bucket 7f3a ";

    public static TheoryData<string, string> NonCanonicalOrMalformedBodies => new()
    {
        { Prefix + "deleted \"k\" (change 042).", "leading zeros" },
        { Prefix + "deleted \"k\" (change -1).", "expected a number" },
        { Prefix + "deleted \"k\" (change 99999999999999999999).", "no larger than" },
        { Prefix + "set \"k\" to the bytes (base64) \"YWJj\" (change 1).", "as quoted text" },
        { Prefix + "set \"k\" to the bytes (base64) \"AB==\" (change 1).", "base64" },
        { Prefix + "set \"k\" to the bytes (base64) \"A A=\" (change 1).", "base64" },
        { Prefix + "set \"k\" to \"\\u{0}\" (change 1).", "base64" },
        { Prefix + "set \"\\u{41}\" to \"v\" (change 1).", "not as \\u{X}" },
        { Prefix + "set \"\\u{1f}\" to \"v\" (change 1).", "uppercase hex" },
        { Prefix + "set \"\\u{01F}\" to \"v\" (change 1).", "leading zeros" },
        { Prefix + "set \"\\u{D83D}\\u{DE00}\" to \"v\" (change 1).", "surrogate pair" },
        { Prefix + "set \"\\q\" to \"v\" (change 1).", "escapes" },
        { Prefix + "set \"tab\there\" to \"v\" (change 1).", "escaped" },
        { Prefix + "set \"k\" to \"v (change 1).", "closing quotation mark" },
        { Prefix + "set \"k\" to \"v\" (change 1)", "\".\"" },
        { Prefix + "set \"k\" to \"v\" (change 1). extra", "end of the record" },
        { Prefix + "sat \"k\" to \"v\" (change 1).", "an event" },
        { Prefix + "changed its policy to eternal durability with no default expiry (change 1).", "\"cache\"" },
        { Prefix + "changed its policy to cache durability with a default expiry of 1 seconds (change 1).", "\" second\"" },
        { Prefix + "began a snapshot as of change 1 with 1 entries, cache durability and no default expiry.", "\" entry\"" },
        { Prefix + "ended the snapshot as of change 1 with 0 entries, digest 33EF1DD9E32919C10F2FDFBEB5EE1C13.", "lowercase hex" },
        { "On 2026-02-30 at 00:31:09.123 UTC, bucket 7f3a was erased (change 1).", "exists in the calendar" },
        { "On 2026-11-25 at 24:00:00.000 UTC, bucket 7f3a was erased (change 1).", "exists in the calendar" },
        { "On 2026-11-25 at 00:31:09 UTC, bucket 7f3a was erased (change 1).", "a UTC time" },
        { "On 2026-11-25 at 00:31:09.123 UTC, bucket \"7f3a\" was erased (change 1).", "without quotation marks" },
        { "On 2026-11-25 at 00:31:09.123 UTC, bucket  was erased (change 1).", "a bucket id" },
    };

    [Theory]
    [MemberData(nameof(NonCanonicalOrMalformedBodies))]
    public void MalformedOrNonCanonicalLinesAreRejectedWithTheColumnAndWhatWasExpected(string body, string expected)
    {
        Assert.False(EnglangParser.TryParse(TestData.WithChecksum(body), out var record, out var error));
        Assert.Null(record);
        Assert.Contains("at column ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ChecksumMismatchIsReportedWithBothValues()
    {
        var line = TestData.Utf8(Prefix + "was erased (change 1). [crc 00000000]");
        Assert.False(EnglangParser.TryParse(line, out _, out var error));
        Assert.StartsWith("checksum mismatch: the line says 00000000 but its text hashes to ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello", "checksum")]
    [InlineData("On 2026-11-25 [crc 1A2B3C4D]", "lowercase hex")]
    public void LinesWithoutAProperChecksumSuffixAreRejected(string line, string expected)
    {
        Assert.False(EnglangParser.TryParse(TestData.Utf8(line), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void CarriageReturnLineEndingsAreExplained()
    {
        var line = EnglangWriter.Format(new EraseRecord(TestData.T0, TestData.Bucket, 1)).TrimEnd('\n') + "\r";
        Assert.False(EnglangParser.TryParse(TestData.Utf8(line), out _, out var error));
        Assert.Contains("carriage return", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadTimeReadsTheTimeAWrittenLineBeginsWith()
    {
        var line = TestData.Utf8(EnglangWriter.Format(new EraseRecord(TestData.T0, TestData.Bucket, 1)));
        Assert.True(EnglangParser.TryReadTime(line, out var at));
        Assert.Equal(TestData.T0, at);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("On 2026-02-30 at 00:31:09.123 UTC, bucket 7f3a was erased (change 1).")]
    [InlineData("On 2026-11-25 at 00:31:09 UTC, bucket 7f3a was erased (change 1).")]
    public void TryReadTimeRefusesLinesThatDoNotBeginWithATime(string line)
    {
        Assert.False(EnglangParser.TryReadTime(TestData.Utf8(line), out var at));
        Assert.Equal(default, at);
    }

    [Fact]
    public void RandomBytesNeverThrow() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            AssertConsistent(EnglangParser.TryParse(bytes, out var record, out var error), record, error);
            AssertConsistent(EnglangParser.TryParse(TestData.WithChecksum(bytes), out record, out error), record, error);
        }, iter: 5000);

    [Fact]
    public void AnyAcceptedMutationOfAValidLineIsItselfCanonical() =>
        Gen.Select(Generators.Record, Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[0, 3]).Sample((record, position, value, mode) =>
        {
            var body = Encoding.UTF8.GetBytes(EnglangWriter.Format(record)).AsSpan()[..^(1 + 15)].ToArray().ToList();
            var at = position % (body.Count + 1);
            switch (mode)
            {
                case 0 when at < body.Count:
                    body[at] = value;
                    break;
                case 1:
                    body.Insert(at, value);
                    break;
                case 2 when at < body.Count:
                    body.RemoveAt(at);
                    break;
                default:
                    body = body.Take(at).ToList();
                    break;
            }

            var line = TestData.WithChecksum(body.ToArray());
            if (EnglangParser.TryParse(line, out var parsed, out _))
            {
                Assert.Equal(line, Encoding.UTF8.GetBytes(EnglangWriter.Format(parsed).TrimEnd('\n')));
            }
        }, iter: 5000);

    private static void AssertConsistent(bool parsed, EnglangRecord? record, string? error)
    {
        Assert.Equal(parsed, record is not null);
        Assert.Equal(parsed, error is null);
    }
}
