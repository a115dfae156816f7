using System.Runtime.InteropServices;

namespace Buckets.Backup.Storage;

/// <summary>
/// The three libc calls needed to fsync a directory: .NET cannot open a directory as a file, yet a
/// rename or create is only durable once its directory entry is flushed.
/// </summary>
internal static class LibC
{
    /// <summary>O_RDONLY | O_CLOEXEC (the same values on Linux x64 and arm64).</summary>
    public const int OpenReadOnlyCloseOnExec = 0x80000;

    // The path is passed as NUL-terminated UTF-8 bytes so no string marshalling is involved.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    public static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);
}
