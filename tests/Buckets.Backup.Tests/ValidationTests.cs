using System.ComponentModel.DataAnnotations;
using Buckets.Backup.Storage;

namespace Buckets.Backup.Tests;

public sealed class ValidationTests : IDisposable
{
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("Upper")]
    [InlineData("dot.ted")]
    [InlineData("sp ace")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Bucket_ids_outside_the_allowed_alphabet_are_refused(string bucketId)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.OpenEpochAsync(bucketId, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.AppendChangesAsync(bucketId, 1, ReadOnlyMemory<byte>.Empty, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.AppendSnapshotAsync(bucketId, 1, ReadOnlyMemory<byte>.Empty, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.ReadStateAsync(bucketId, null, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.EraseAsync(bucketId, TestStore.Start, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.CompactIfNeededAsync(bucketId, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _t.Store.DescribeAsync(bucketId, Ct));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_t.Directory, "buckets")));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("user_42-cart")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Bucket_ids_of_the_allowed_alphabet_are_accepted(string bucketId) => Assert.True(BucketIds.IsValid(bucketId));

    [Fact]
    public void Options_require_a_data_directory_and_have_the_documented_defaults()
    {
        var options = new BackupStoreOptions();
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(BackupStoreOptions.DataDirectory)));
        Assert.Equal("Backup:Store", BackupStoreOptions.SectionName);
        Assert.Equal(8L * 1024 * 1024, options.SegmentMaxBytes);
        Assert.Equal(16L * 1024 * 1024, options.CompactionThresholdBytes);
        Assert.Equal(TimeSpan.FromDays(7), options.Retention);

        options.DataDirectory = "/tmp/x";
        options.SegmentMaxBytes = 0;
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    [Fact]
    public async Task A_negative_change_number_is_refused()
    {
        await _t.Store.OpenEpochAsync("a", Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _t.Store.ReadStateAsync("a", -1, null, Ct));
    }
}
