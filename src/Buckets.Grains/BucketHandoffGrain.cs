using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>A bucket's state in pieces between two silos (see <see cref="IBucketHandoffGrain"/>); memory only.</summary>
public sealed class BucketHandoffGrain : Grain, IBucketHandoffGrain
{
    private readonly Dictionary<int, byte[]> _pieces = [];

    public ValueTask PutAsync(int index, byte[] piece)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(piece);
        _pieces[index] = piece;
        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> TakeAsync(int index)
    {
        _pieces.Remove(index, out var piece);
        if (_pieces.Count == 0)
        {
            DeactivateOnIdle();
        }

        return ValueTask.FromResult(piece);
    }

    public ValueTask DropAsync()
    {
        _pieces.Clear();
        DeactivateOnIdle();
        return ValueTask.CompletedTask;
    }
}
