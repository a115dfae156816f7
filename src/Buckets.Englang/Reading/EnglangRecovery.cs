namespace Buckets.Englang;

/// <summary>
/// Cuts a torn tail off a file after a crash, keeping every complete line before it.
/// <list type="bullet">
/// <item><c>static EnglangRecoveryResult Recover(string path)</c>: opens the file and truncates a torn tail.</item>
/// <item><c>static EnglangRecoveryResult TruncateTornTail(Stream stream, string fileName)</c>: the same on a seekable, writable stream.</item>
/// </list>
/// Only the torn last line is ever removed; damaged lines before it are reported in
/// <see cref="EnglangRecoveryResult.Errors"/> and left in place. The file is not fsynced: that is the caller's policy.
/// </summary>
public static class EnglangRecovery
{
    /// <summary>Truncates the file's torn tail, if it has one.</summary>
    public static EnglangRecoveryResult Recover(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        return TruncateTornTail(stream, path);
    }

    /// <summary>Reads <paramref name="stream"/> from its start and truncates its torn tail, if it has one.</summary>
    public static EnglangRecoveryResult TruncateTornTail(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanWrite)
        {
            throw new ArgumentException("Recovery needs a seekable, writable stream.", nameof(stream));
        }

        stream.Position = 0;
        var originalLength = stream.Length;
        long records = 0;
        using var reader = new EnglangReader(stream, fileName, leaveOpen: true);
        while (reader.TryRead(out _))
        {
            records++;
        }

        if (reader.TornTail is { } torn)
        {
            stream.SetLength(torn.ByteOffset);
            stream.Flush();
        }

        return new EnglangRecoveryResult(fileName, originalLength, stream.Length, records, reader.TornTail, reader.Errors);
    }
}
