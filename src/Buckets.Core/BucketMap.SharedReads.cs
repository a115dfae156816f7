namespace Buckets.Core;

/// <summary>
/// Reads from other threads while the owner writes (<see cref="Peek"/>). A GET is most of a cache's
/// traffic and the grain call around it most of a GET's cost, so the silo lets requests read a
/// bucket's map directly while its owner allows it. The owner stays the only writer; every change
/// to the entry table takes <see cref="_gate"/>, and so does a peek, which therefore never sees a
/// half-made change (nor a half-applied batch: see <see cref="Atomically"/>).
/// </summary>
public sealed partial class BucketMap
{
    private readonly Lock _gate = new();
    private bool _sharesReads;

    /// <summary>What a <see cref="Peek"/> found.</summary>
    public enum PeekOutcome
    {
        /// <summary>The owner does not share reads now: ask the owner.</summary>
        NotShared,

        /// <summary>No entry has the key.</summary>
        Absent,

        /// <summary>The entry expired but is not reclaimed yet: ask the owner, which records the expiry.</summary>
        Expired,

        /// <summary>A live entry, copied out.</summary>
        Found,
    }

    /// <summary>
    /// Opens or closes <see cref="Peek"/>. Once closed, no peek reads the map until it is reopened,
    /// so the owner may hand its bucket elsewhere and nobody reads a copy that stopped changing.
    /// </summary>
    public void ShareReads(bool shared)
    {
        lock (_gate)
        {
            _sharesReads = shared;
        }
    }

    /// <summary>
    /// Reads a live entry from any thread (its value is a copy), without removing an expired one.
    /// Only <see cref="PeekOutcome.Found"/> sets <paramref name="entry"/>.
    /// </summary>
    public PeekOutcome Peek(string key, DateTimeOffset now, out BucketEntry entry)
    {
        Span<byte> scratch = stackalloc byte[StackKeyChars * 3];
        var utf8 = Utf8(key, scratch);
        var hash = EntryTable.Hash(utf8);
        entry = default;
        lock (_gate)
        {
            if (!_sharesReads)
            {
                return PeekOutcome.NotShared;
            }

            var slot = _table.Find(utf8, hash);
            if (slot < 0)
            {
                return PeekOutcome.Absent;
            }

            if (IsExpired(slot, now.UtcTicks))
            {
                return PeekOutcome.Expired;
            }

            entry = EntryAt(slot);
            return PeekOutcome.Found;
        }
    }

    /// <summary>
    /// Holds peeks off while the owner makes several changes that readers must see together or not
    /// at all (a command list); dispose to let them in. Single changes and batches hold it themselves.
    /// </summary>
    public Lock.Scope Atomically() => _gate.EnterScope();
}
