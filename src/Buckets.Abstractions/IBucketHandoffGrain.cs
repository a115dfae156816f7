namespace Buckets.Abstractions;

/// <summary>
/// Holds a bucket's state, in numbered pieces, while the bucket moves to another silo: the leaving
/// activation puts every piece, the arriving one takes them in order. A bucket larger than one
/// Orleans message so moves in several, where Orleans' migration would carry it in one. Keyed by
/// the bucket id and a fresh hand-off id; it deactivates itself once every piece was taken.
/// </summary>
public interface IBucketHandoffGrain : IGrainWithStringKey
{
    /// <summary>Stores piece <paramref name="index"/> (0-based) of the state.</summary>
    ValueTask PutAsync(int index, byte[] piece);

    /// <summary>Returns piece <paramref name="index"/> and forgets it; <c>null</c> when this hand-off does not hold it.</summary>
    ValueTask<byte[]?> TakeAsync(int index);

    /// <summary>Forgets every piece (a hand-off abandoned).</summary>
    ValueTask DropAsync();
}
