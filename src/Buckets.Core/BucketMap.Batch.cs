using System.Text;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// All-or-nothing batches: every operation is first decided, in order, against a view of the map
/// as the earlier operations would leave it, by the same rules a single write uses.
/// </summary>
public sealed partial class BucketMap
{
    /// <summary>
    /// Applies every operation or none. <paramref name="expiryFor"/> turns an operation's TTL into an
    /// absolute expiry (the caller owns defaults). A delete of an absent key without a version
    /// precondition is a no-op that does not fail the batch. When the batch is refused, each operation
    /// that could not apply (in the order given, after the earlier ones) says why, bucket-full
    /// included, and every other operation is <see cref="WriteOutcome.NotAttempted"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The apply disagreed with the simulation (a bug: both use one rule set).</exception>
    public BatchResult ApplyBatch(IReadOnlyList<BatchOperation> operations, Func<BatchOperation, DateTimeOffset?> expiryFor, DateTimeOffset now)
    {
        var refusals = Simulate(operations, now);
        if (refusals is not null)
        {
            return new BatchResult(false, refusals);
        }

        var results = new WriteResult[operations.Count];
        // Direct reads see the whole batch or none of it.
        using var atomically = Atomically();
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            results[i] = op.Kind == BatchOperationKind.Set
                ? Set(op.Key, op.Value ?? [], expiryFor(op), op.IfVersion, op.CreateOnly, now)
                : Delete(op.Key, op.IfVersion, now);
            if (!results[i].Succeeded && results[i].Outcome != WriteOutcome.NotFound)
            {
                throw new InvalidOperationException($"Batch operation {i} was refused ({results[i].Outcome}) after the simulation accepted it.");
            }
        }

        return new BatchResult(true, results);
    }

    /// <summary>The per-operation results of a refused batch, or <c>null</c> when every operation can apply.</summary>
    private WriteResult[]? Simulate(IReadOnlyList<BatchOperation> operations, DateTimeOffset now)
    {
        // Keys as the operations so far would leave them, and the room they would take (or free).
        var view = new Dictionary<string, KeyState>(StringComparer.Ordinal);
        var pending = default(Room);
        var outcomes = new WriteOutcome?[operations.Count];
        // Every expired entry is removed (each an expiry change) before numbering starts, so no
        // lookup or room check below removes one and the versions decided here are those the apply gives.
        // The sweep keeps expired entries few, so this is normally a heap peek.
        ReclaimExpired(now, int.MaxValue);
        var seq = LastSeq;
        var failed = false;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            if (!view.TryGetValue(op.Key, out var current))
            {
                current = LiveState(op.Key, now);
            }

            if (op.Kind == BatchOperationKind.Set)
            {
                var size = Encoding.UTF8.GetByteCount(op.Key) + (op.Value?.Length ?? 0);
                outcomes[i] = SetRefusal(current, size, op.IfVersion, op.CreateOnly, pending, now);
                if (outcomes[i] is null)
                {
                    pending += SetGrowth(current, size);
                    view[op.Key] = new KeyState(++seq, size);
                }
            }
            else
            {
                outcomes[i] = DeleteRefusal(current, op.IfVersion);
                if (outcomes[i] is null && current.Exists)
                {
                    pending += DeleteGrowth(current);
                    seq++;
                    view[op.Key] = KeyState.Absent;
                }
            }

            // A refused operation changes nothing in the view: later ones are decided as if it were
            // absent, so each refusal reported is one that operation would meet on its own.
            failed |= outcomes[i] is not null;
        }

        return failed ? [.. outcomes.Select(o => new WriteResult(o ?? WriteOutcome.NotAttempted, 0))] : null;
    }
}
