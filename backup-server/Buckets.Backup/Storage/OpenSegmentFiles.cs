using Microsoft.Win32.SafeHandles;

namespace Buckets.Backup.Storage;

/// <summary>
/// File handles of recently appended change segments, least recently used closed past a capacity, so
/// a pull round over many buckets costs one write each instead of an open, a write and a close.
/// Writes happen under the cache's lock, so a handle is never closed while another bucket writes with it.
/// </summary>
internal sealed class OpenSegmentFiles(int capacity) : IDisposable
{
    private readonly Dictionary<string, LinkedListNode<(string Path, SafeFileHandle Handle)>> _byPath = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Path, SafeFileHandle Handle)> _recency = new();

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of an existing file (no fsync: the write-ahead log holds them durably).</summary>
    public void Write(string path, ReadOnlySpan<byte> bytes, long offset)
    {
        lock (_byPath)
        {
            if (_byPath.TryGetValue(path, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                node = _recency.AddFirst((path, File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete)));
                _byPath[path] = node;
                if (_byPath.Count > capacity)
                {
                    Close(_recency.Last!);
                }
            }

            RandomAccess.Write(node.Value.Handle, bytes, offset);
        }
    }

    /// <summary>Closes the handles of every file in <paramref name="directory"/> (before its files are renamed or deleted).</summary>
    public void Forget(string directory)
    {
        lock (_byPath)
        {
            var prefix = directory + Path.DirectorySeparatorChar;
            for (var node = _recency.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    Close(node);
                }

                node = next;
            }
        }
    }

    public void Dispose()
    {
        lock (_byPath)
        {
            while (_recency.Last is { } last)
            {
                Close(last);
            }
        }
    }

    private void Close(LinkedListNode<(string Path, SafeFileHandle Handle)> node)
    {
        _recency.Remove(node);
        _byPath.Remove(node.Value.Path);
        node.Value.Handle.Dispose();
    }
}
