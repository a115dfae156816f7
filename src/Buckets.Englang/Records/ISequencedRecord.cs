namespace Buckets.Englang;

/// <summary>
/// A record that carries a change sequence number: every change record plus the snapshot header
/// and footer (whose <see cref="Seq"/> is the change the snapshot is "as of").
/// </summary>
public interface ISequencedRecord
{
    /// <summary>The change sequence number this record carries.</summary>
    long Seq { get; }
}
