namespace Buckets.Backup.Storage;

/// <summary>
/// File handles of recently appended open segments, so a pull round over many buckets costs one
/// write each instead of an open, a write and a close. Each handle belongs to its bucket's
/// <see cref="BucketState"/> and is used only under that bucket's gate, so writes of different
/// buckets never wait for each other; the shared lock guards only the recency list. Past the
/// capacity the least recently used handles are closed, each only if its bucket is idle right now
/// (its gate is free), so no handle is ever closed under a writer.
/// </summary>
internal sealed class OpenSegmentFiles(int capacity) : IDisposable
{
    private readonly LinkedList<BucketState> _recency = new();

    /// <summary>
    /// Writes <paramref name="bytes"/> at <paramref name="offset"/> of the bucket's open segment
    /// <paramref name="path"/> (no fsync: the write-ahead log holds them durably). The caller holds the bucket's gate.
    /// </summary>
    public void Write(BucketState state, string path, ReadOnlySpan<byte> bytes, long offset)
    {
        if (state.SegmentHandle is null || !string.Equals(state.SegmentHandlePath, path, StringComparison.Ordinal))
        {
            Close(state);
            state.SegmentHandle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete);
            state.SegmentHandlePath = path;
        }

        RandomAccess.Write(state.SegmentHandle, bytes, offset);
        Touch(state);
    }

    /// <summary>Closes the bucket's handle (before its files are renamed, cut or deleted). The caller holds the bucket's gate.</summary>
    public void Close(BucketState state)
    {
        lock (_recency)
        {
            if (state.RecencyNode is { } node)
            {
                _recency.Remove(node);
                state.RecencyNode = null;
            }
        }

        state.SegmentHandle?.Dispose();
        state.SegmentHandle = null;
        state.SegmentHandlePath = null;
    }

    public void Dispose()
    {
        lock (_recency)
        {
            foreach (var state in _recency)
            {
                state.SegmentHandle?.Dispose();
                state.SegmentHandle = null;
                state.RecencyNode = null;
            }

            _recency.Clear();
        }
    }

    private void Touch(BucketState state)
    {
        List<BucketState>? victims = null;
        lock (_recency)
        {
            if (state.RecencyNode is { } node)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                state.RecencyNode = _recency.AddFirst(state);
            }

            // Oldest first; a bucket busy right now is skipped (it was just used, and will be closed later).
            for (var candidate = _recency.Last; _recency.Count - (victims?.Count ?? 0) > capacity && candidate is not null && candidate.Value != state; candidate = candidate.Previous)
            {
                if (candidate.Value.Gate.Wait(0))
                {
                    (victims ??= []).Add(candidate.Value);
                }
            }
        }

        foreach (var victim in victims ?? [])
        {
            try
            {
                Close(victim);
            }
            finally
            {
                victim.Gate.Release();
            }
        }
    }
}
