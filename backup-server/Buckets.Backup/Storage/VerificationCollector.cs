namespace Buckets.Backup.Storage;

/// <summary>Accumulates a verification run's findings and counts.</summary>
internal sealed class VerificationCollector
{
    private readonly List<BackupVerificationIssue> _problems = [];
    private readonly List<BackupVerificationIssue> _warnings = [];

    public int BucketCount { get; set; }

    public int FileCount { get; set; }

    public long RecordCount { get; set; }

    public long ByteCount { get; set; }

    public void Problem(string file, long? line, string message) =>
        _problems.Add(new BackupVerificationIssue(file, line, EnglangMessages.Redact(message)));

    public void Warning(string file, long? line, string message) =>
        _warnings.Add(new BackupVerificationIssue(file, line, EnglangMessages.Redact(message)));

    public BackupVerificationReport ToReport() => new(_problems, _warnings, BucketCount, FileCount, RecordCount) { ByteCount = ByteCount };
}
