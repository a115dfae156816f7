using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using CsCheck;

namespace Buckets.Englang.Tests;

public class SnapshotWriterTests
{
    private static readonly (string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)[] Entries =
    [
        ("a", TestData.Utf8("apple"), null, 3),
        ("b\n\"", [0, 1, 2], TestData.At(60), 7),
        ("😀", [], null, 9),
    ];

    [Fact]
    public void DigestIsSha256OfTheHeaderAndEntryLinesTruncatedTo16Bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var footer = SnapshotWriter.Write(buffer, TestData.Bucket, TestData.T0, 10, "standard", null, Entries);

        var bytes = buffer.WrittenSpan.ToArray();
        var starts = TestData.LineStarts(bytes);
        var covered = bytes[..starts[^2]];
        var expected = Convert.ToHexStringLower(SHA256.HashData(covered)[..16]);

        Assert.Equal(expected, footer.Digest);
        Assert.Equal(5, starts.Count - 1);
        Assert.Equal(EnglangWriter.Format(footer), Encoding.UTF8.GetString(bytes[starts[^2]..]));
    }

    [Fact]
    public void SnapshotIsHeaderEntriesAndFooterWithMatchingCounts()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotWriter.Write(buffer, TestData.Bucket, TestData.T0, 10, "cache", TimeSpan.FromSeconds(30), Entries);

        var records = TestData.Read(buffer.WrittenSpan.ToArray()).Items.Select(item => item.Record).ToList();

        Assert.Equal(new SnapshotHeaderRecord(TestData.T0, TestData.Bucket, 10, 3, "cache", TimeSpan.FromSeconds(30)), records[0]);
        for (var i = 0; i < Entries.Length; i++)
        {
            var (key, value, expiresAt, version) = Entries[i];
            RecordComparer.AssertSame(new SnapshotEntryRecord(TestData.T0, TestData.Bucket, key, value, expiresAt, version), records[i + 1]);
        }

        var footer = Assert.IsType<SnapshotFooterRecord>(records[^1]);
        Assert.Equal((10L, 3L), (footer.Seq, footer.EntryCount));
    }

    [Fact]
    public void EntryLinesAreWhatTheirRecordsWrite()
    {
        // The stream writer copies each line's "On TIME, bucket ID " once made and writes the entry
        // from its parts: every entry line must still be the record's own line, byte for byte.
        var entry = Gen.Select(Generators.Text, Generators.Value, Generators.MaybeTime, Gen.Long[0, long.MaxValue]);
        Gen.Select(Generators.Time, Generators.BucketId, entry.Array[0, 6]).Sample((at, bucketId, entries) =>
        {
            var unique = entries.DistinctBy(e => e.Item1, StringComparer.Ordinal).ToArray();
            var buffer = new ArrayBufferWriter<byte>();
            SnapshotWriter.Write(buffer, bucketId, at, long.MaxValue, "standard", null, unique);

            var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
            var lines = text.Split('\n')[1..^2];
            Assert.Equal(unique.Length, lines.Length);
            for (var i = 0; i < unique.Length; i++)
            {
                var (key, value, expiresAt, version) = unique[i];
                Assert.Equal(EnglangWriter.Format(new SnapshotEntryRecord(at, bucketId, key, value, expiresAt, version)), lines[i] + "\n");
            }
        }, iter: 500);
    }

    [Fact]
    public void StreamAndBufferWritersProduceTheSameBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotWriter.Write(buffer, TestData.Bucket, TestData.T0, 10, "standard", null, Entries);
        using var stream = new MemoryStream();
        SnapshotWriter.Write(stream, TestData.Bucket, TestData.T0, 10, "standard", null, Entries);
        Assert.Equal(buffer.WrittenSpan.ToArray(), stream.ToArray());
    }

    [Fact]
    public void LazyEntrySequencesAreCountedBeforeTheHeaderIsWritten()
    {
        using var stream = new MemoryStream();
        var footer = SnapshotWriter.Write(stream, TestData.Bucket, TestData.T0, 500, "standard", null, Lazy(300));
        Assert.Equal(300, footer.EntryCount);
        stream.Position = 0;
        Assert.True(EnglangVerifier.Verify([("lazy", stream)]).IsClean);

        static IEnumerable<(string, byte[], DateTimeOffset?, long)> Lazy(int count)
        {
            for (var i = 0; i < count; i++)
            {
                yield return ($"key-{i}", Encoding.UTF8.GetBytes(new string('v', i)), null, i);
            }
        }
    }

    [Fact]
    public void EmptySnapshotHasHeaderAndFooterOnly()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var footer = SnapshotWriter.Write(buffer, TestData.Bucket, TestData.T0, 0, "standard", null, []);
        Assert.Equal(0, footer.EntryCount);
        Assert.Contains("with 0 entries", Encoding.UTF8.GetString(buffer.WrittenSpan), StringComparison.Ordinal);
        Assert.Equal(2, TestData.Read(buffer.WrittenSpan.ToArray()).Items.Count);
    }
}
