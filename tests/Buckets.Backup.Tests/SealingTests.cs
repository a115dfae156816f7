using System.Text.RegularExpressions;
using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Tests;

public sealed partial class SealingTests : IDisposable
{
    private const string Bucket = "seal";
    private readonly TestStore _t = new(segmentMaxBytes: 250);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Segments_past_the_size_limit_are_sealed_under_their_sequence_range()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        for (var seq = 1; seq <= 20; seq++)
        {
            Assert.Equal(AckStatus.Stored, (await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, seq, seq, TestStore.Start), Ct)).Status);
            _t.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var files = _t.BucketFiles(Bucket).Where(f => f != "manifest.json").ToList();
        var sealedFiles = files.Where(f => SealedName().IsMatch(f)).ToList();
        Assert.True(sealedFiles.Count >= 4, string.Join(", ", files));
        Assert.All(files, f => Assert.True(SealedName().IsMatch(f) || OpenName().IsMatch(f), f));
        Assert.True(files.Count(f => OpenName().IsMatch(f)) <= 1);
        Assert.StartsWith("changes-000000000001-", sealedFiles[0], StringComparison.Ordinal);

        // The ranges in the names are contiguous and match the content.
        var info = await _t.Store.DescribeAsync(Bucket, Ct);
        long expected = 1;
        foreach (var file in info!.Files)
        {
            Assert.Equal(expected, file.FromSeq);
            Assert.True(new FileInfo(Path.Combine(_t.BucketDirectory(Bucket), file.Name)).Length == file.Bytes);
            if (SealedName().Match(file.Name) is { Success: true } match)
            {
                Assert.Equal((file.FromSeq, file.ToSeq), (long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
                Assert.True(file.Bytes >= 250);
            }

            expected = file.ToSeq + 1;
        }

        Assert.Equal(21, expected);
        Assert.Equal(20, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        Assert.Equal(20, (await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        Assert.Equal(["key1=value1", "key2=value2", "key3=value3", "key4=value4", "key5=value5", "key6=value6", "key7=value7"],
            State.Entries(await _t.Store.ReadStateAsync(Bucket, 7, null, Ct)));
    }

    [Fact]
    public async Task A_seal_interrupted_before_its_rename_is_finished_on_reopen()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 4, TestStore.Start), Ct);
        var sealedName = Assert.Single(_t.BucketFiles(Bucket), f => SealedName().IsMatch(f));
        var openName = sealedName.Replace("-000000000004-", "-open-", StringComparison.Ordinal);
        File.Move(Path.Combine(_t.BucketDirectory(Bucket), sealedName), Path.Combine(_t.BucketDirectory(Bucket), openName));

        var store = _t.Reopen();

        Assert.Equal(4, (await store.ReadStateAsync(Bucket, null, null, Ct))!.Seq);
        Assert.Equal([sealedName, "manifest.json"], _t.BucketFiles(Bucket));
        Assert.Contains(_t.Logger.Entries, e => e.Id.Id == 3004);
    }

    [GeneratedRegex(@"^changes-(\d{12})-(\d{12})-\d{8}T\d{6}Z\.englang$")]
    private static partial Regex SealedName();

    [GeneratedRegex(@"^changes-\d{12}-open-\d{8}T\d{6}Z\.englang$")]
    private static partial Regex OpenName();
}
