using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Buckets.Backup.Storage;

/// <summary>
/// File operations that are on disk when they return: data flushed with fsync, and every create,
/// rename or delete followed by an fsync of the directory holding it.
/// </summary>
public static class DurableFiles
{
    private const int ErrorInvalidArgument = 22;

    // Tests observe which paths were made durable (crash safety cannot be seen from file contents).
    private static ImmutableList<(string Root, Action<string> OnSync)> _watchers = [];

    /// <summary>Calls <paramref name="onSync"/> with the full path of every file or directory under <paramref name="root"/> fsynced until disposed.</summary>
    public static IDisposable WatchSyncs(string root, Action<string> onSync)
    {
        var watcher = (Path.GetFullPath(root), onSync);
        ImmutableInterlocked.Update(ref _watchers, list => list.Add(watcher));
        return new Unwatch(() => ImmutableInterlocked.Update(ref _watchers, list => list.Remove(watcher)));
    }

    /// <summary>Flushes a file's data to disk.</summary>
    public static void Sync(FileStream stream)
    {
        stream.Flush(flushToDisk: true);
        Observed(stream.Name);
    }

    /// <summary>Flushes the data of the file at <paramref name="path"/> to disk; a file that is gone (renamed or deleted since) is skipped.</summary>
    public static void SyncFile(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }

        using (handle)
        {
            Sync(handle, path);
        }
    }

    /// <summary>Flushes a file's data to disk.</summary>
    public static void Sync(SafeFileHandle handle, string path)
    {
        RandomAccess.FlushToDisk(handle);
        Observed(path);
    }

    /// <summary>Flushes a directory's entries to disk (a no-op on Windows, where NTFS journals them).</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = LibC.Open(Encoding.UTF8.GetBytes(directory + "\0"), LibC.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"Could not open the directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            // Some file systems cannot fsync a directory and say EINVAL; they have nothing to flush.
            if (LibC.Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != ErrorInvalidArgument)
            {
                throw new IOException($"Could not fsync the directory {directory} (errno {errno}).");
            }

            Observed(directory);
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>Creates a directory (and missing parents) and makes its entry durable.</summary>
    public static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(directory));
        if (parent is not null)
        {
            CreateDirectory(parent);
        }

        Directory.CreateDirectory(directory);
        if (parent is not null)
        {
            SyncDirectory(parent);
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> all at once: writes a temporary file, fsyncs it, renames it
    /// over the target and fsyncs the directory. A crash leaves the old file or the new one.
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var temp = path + FileNames.TempSuffix;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            write(stream);
            Sync(stream);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Appends bytes and fsyncs them; returns the file's new length.</summary>
    public static long Append(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        stream.Write(bytes);
        Sync(stream);
        return stream.Length;
    }

    /// <summary>Creates an empty file (failing if it exists) and makes its entry durable.</summary>
    public static void CreateEmpty(string path)
    {
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0))
        {
            Sync(stream);
        }

        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Renames files inside one directory, then makes the new names durable.</summary>
    public static void Rename(string directory, IReadOnlyList<(string From, string To)> renames)
    {
        if (renames.Count == 0)
        {
            return;
        }

        foreach (var (from, to) in renames)
        {
            File.Move(Path.Combine(directory, from), Path.Combine(directory, to), overwrite: true);
        }

        SyncDirectory(directory);
    }

    /// <summary>Deletes files inside one directory (missing ones are fine), then makes that durable.</summary>
    public static void Delete(string directory, IEnumerable<string> names)
    {
        var any = false;
        foreach (var name in names)
        {
            File.Delete(Path.Combine(directory, name));
            any = true;
        }

        if (any)
        {
            SyncDirectory(directory);
        }
    }

    private static void Observed(string path)
    {
        foreach (var (root, onSync) in _watchers)
        {
            var full = Path.GetFullPath(path);
            if (full.StartsWith(root, StringComparison.Ordinal))
            {
                onSync(full);
            }
        }
    }

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
