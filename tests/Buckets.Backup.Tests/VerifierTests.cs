using Buckets.Backup.Storage;

namespace Buckets.Backup.Tests;

public sealed class VerifierTests : IDisposable
{
    private readonly TestStore _t = new(segmentMaxBytes: 250);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_healthy_directory_verifies_clean()
    {
        await Populate("a", 10);
        await Populate("b", 3);
        await _t.Store.EraseAsync("b", TestStore.Start, Ct);

        var report = BackupVerifier.VerifyDirectory(_t.Directory);

        Assert.Empty(report.Problems);
        Assert.Empty(report.Warnings);
        Assert.Equal(2, report.BucketCount);
        Assert.Equal(11, report.RecordCount);
    }

    [Fact]
    public async Task A_damaged_line_is_reported_by_file_and_line()
    {
        await Populate("a", 10);
        var sealedFile = _t.BucketFiles("a").First(f => f.StartsWith("changes-000000000001-0", StringComparison.Ordinal));
        var path = Path.Combine(_t.BucketDirectory("a"), sealedFile);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[Array.IndexOf(bytes, (byte)'\n') + 20] ^= 0x02;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var report = BackupVerifier.VerifyDirectory(_t.Directory);

        Assert.False(report.IsHealthy);
        // The damaged line first, then what follows from losing it (its change is missing).
        var problem = report.Problems[0];
        Assert.Equal(($"{BucketLayout.RelativePath("a")}/{sealedFile}", (long?)2), (problem.File, problem.Line));
        Assert.Contains("checksum", problem.Message, StringComparison.Ordinal);
        Assert.All(report.Problems, p => Assert.Equal($"{BucketLayout.RelativePath("a")}/{sealedFile}", p.File));
        Assert.All(report.Problems, p => Assert.DoesNotContain("value", p.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_torn_open_segment_and_leftovers_are_warnings_and_a_gap_is_a_problem()
    {
        await Populate("a", 10);
        await File.AppendAllTextAsync(_t.OpenSegmentPath("a"), "On 2026-03-01T12:00:00.000Z, bucket a set", Ct);
        await File.WriteAllTextAsync(Path.Combine(_t.BucketDirectory("a"), "manifest.json.tmp"), "{", Ct);
        await Populate("c", 10);
        var middle = _t.BucketFiles("c").Where(f => f.StartsWith("changes-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ElementAt(1);
        var path = Path.Combine(_t.BucketDirectory("c"), middle);
        var lines = await File.ReadAllLinesAsync(path, Ct);
        await File.WriteAllLinesAsync(path, lines.Skip(1), Ct);

        var report = BackupVerifier.VerifyDirectory(_t.Directory);

        Assert.Contains(report.Warnings, w => w.File == $"{BucketLayout.RelativePath("a")}/{Path.GetFileName(_t.OpenSegmentPath("a"))}" && w.Line == 11 - FirstSeqOfOpen("a") + 1);
        Assert.Contains(report.Warnings, w => w.File == $"{BucketLayout.RelativePath("a")}/manifest.json.tmp");
        Assert.Contains(report.Problems, p => p.File == $"{BucketLayout.RelativePath("c")}/{middle}" && p.Line == 1 && p.Message.Contains("gap", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Problems, p => p.File.StartsWith(BucketLayout.RelativePath("a") + "/", StringComparison.Ordinal));
    }

    private long FirstSeqOfOpen(string bucket) =>
        long.Parse(Path.GetFileName(_t.OpenSegmentPath(bucket)).Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);

    private async Task Populate(string bucket, int count)
    {
        var epoch = (await _t.Store.OpenEpochAsync(bucket, Ct)).Epoch;
        for (var seq = 1; seq <= count; seq++)
        {
            await _t.Store.AppendChangesAsync(bucket, epoch, Lines.Range(bucket, seq, seq, TestStore.Start), Ct);
        }

        if (!_t.BucketFiles(bucket).Any(f => f.Contains("-open-", StringComparison.Ordinal)))
        {
            await _t.Store.AppendChangesAsync(bucket, epoch, Lines.Range(bucket, count + 1, count + 1, TestStore.Start), Ct);
        }
    }
}
