namespace Buckets.Linearizability;

/// <summary>The set of operations linearized so far, as a bit set, and immutable snapshots of it with a register state for the search's memo.</summary>
internal sealed class OperationSet(int size)
{
    private const int BitsPerWord = 64;
    private readonly ulong[] _words = new ulong[(size + BitsPerWord - 1) / BitsPerWord];

    public void Add(int operation) => _words[operation / BitsPerWord] |= 1UL << (operation % BitsPerWord);

    public void Remove(int operation) => _words[operation / BitsPerWord] &= ~(1UL << (operation % BitsPerWord));

    public Snapshot Take(int state) => new([.. _words], state);

    /// <summary>A copy of the set together with the register's state after it.</summary>
    public readonly struct Snapshot(ulong[] words, int state) : IEquatable<Snapshot>
    {
        private readonly ulong[] _words = words;
        private readonly int _state = state;

        public bool Equals(Snapshot other) => _state == other._state && _words.AsSpan().SequenceEqual(other._words);

        public override bool Equals(object? obj) => obj is Snapshot other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(_state);
            foreach (var word in _words)
            {
                hash.Add(word);
            }

            return hash.ToHashCode();
        }
    }
}
