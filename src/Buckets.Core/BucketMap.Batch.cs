using System.Text;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>All-or-nothing batches: every precondition is checked against a simulated view first.</summary>
public sealed partial class BucketMap
{
    /// <summary>
    /// Applies every operation or none. <paramref name="expiryFor"/> turns an operation's TTL into an
    /// absolute expiry (the caller owns defaults). A delete of an absent key without a version
    /// precondition is a no-op that does not fail the batch.
    /// </summary>
    public BatchResult ApplyBatch(IReadOnlyList<BatchOperation> operations, Func<BatchOperation, DateTimeOffset?> expiryFor, DateTimeOffset now)
    {
        var refusals = Simulate(operations, now);
        if (refusals is not null)
        {
            return new BatchResult(false, refusals);
        }

        var results = new WriteResult[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            results[i] = op.Kind == BatchOperationKind.Set
                ? Set(op.Key, op.Value ?? [], expiryFor(op), op.IfVersion, op.CreateOnly, now)
                : Delete(op.Key, op.IfVersion, now);
        }

        return new BatchResult(true, results);
    }

    private WriteResult[]? Simulate(IReadOnlyList<BatchOperation> operations, DateTimeOffset now)
    {
        // Versions and sizes as they would be after the operations so far; null version = absent.
        var view = new Dictionary<string, (long? Version, long Size)>(StringComparer.Ordinal);
        var outcomes = new WriteOutcome?[operations.Count];
        long entries = 0, bytes = 0, seq = LastSeq;
        var failed = false;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            if (!view.TryGetValue(op.Key, out var current))
            {
                current = LiveVersionAndSize(op.Key, now);
            }

            var exists = current.Version is not null;
            WriteOutcome? refusal;
            if (op.Kind == BatchOperationKind.Set)
            {
                var size = Encoding.UTF8.GetByteCount(op.Key) + (op.Value?.Length ?? 0);
                refusal = CheckSet(exists, current.Version, op.IfVersion, op.CreateOnly);
                if (refusal is null)
                {
                    entries += exists ? 0 : 1;
                    bytes += size - current.Size;
                    view[op.Key] = (++seq, size);
                }
            }
            else
            {
                refusal = op.IfVersion is not null && op.IfVersion != current.Version ? WriteOutcome.VersionMismatch : null;
                if (refusal is null && exists)
                {
                    entries--;
                    bytes -= current.Size;
                    seq++;
                    view[op.Key] = (null, 0);
                }
            }

            outcomes[i] = refusal;
            failed |= refusal is not null;
        }

        if (!failed && !HasRoomFor(entries, bytes, now))
        {
            return [.. operations.Select(_ => new WriteResult(WriteOutcome.BucketFull, 0))];
        }

        return failed ? [.. outcomes.Select(o => new WriteResult(o ?? WriteOutcome.NotAttempted, 0))] : null;
    }
}
