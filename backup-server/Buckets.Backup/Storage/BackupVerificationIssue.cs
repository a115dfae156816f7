namespace Buckets.Backup.Storage;

/// <summary>One thing <see cref="BackupVerifier"/> found.</summary>
/// <param name="File">The file, relative to the data directory (forward slashes).</param>
/// <param name="Line">The 1-based line, when the issue is at one.</param>
/// <param name="Message">What is wrong; never quotes a key or value.</param>
public sealed record BackupVerificationIssue(string File, long? Line, string Message)
{
    /// <summary>Formats as <c>file:line: message</c> (or <c>file: message</c>).</summary>
    public override string ToString() => Line is { } line ? $"{File}:{line}: {Message}" : $"{File}: {Message}";
}
