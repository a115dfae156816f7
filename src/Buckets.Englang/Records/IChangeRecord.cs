namespace Buckets.Englang;

/// <summary>
/// A record of one change to a bucket (set, delete, expire, policy, erase, clear). Change records
/// of one bucket are numbered without gaps: each one's <see cref="ISequencedRecord.Seq"/> is the
/// previous one's plus one.
/// </summary>
public interface IChangeRecord : ISequencedRecord
{
}
