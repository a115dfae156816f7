namespace Buckets.Abstractions.Commands;

/// <summary>
/// One operation of a command list a bucket runs in order (<see cref="IBucketGrain.RunAsync"/>): the
/// atomic string operations both protocols share (RESP's commands, HTTP's increment, append,
/// rename). Which fields a kind reads is written on <see cref="KeyCommandKind"/>; the others are ignored.
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="Key">The key the command acts on (the source of a rename); empty for bucket-wide kinds.</param>
/// <param name="Value">The bytes to write, append or place.</param>
/// <param name="Number">An integer argument: increment, offset, start, cursor.</param>
/// <param name="Number2">A second integer argument: end, count.</param>
/// <param name="Amount">The increment of <see cref="KeyCommandKind.IncrementFloat"/> (decimal text, as Redis takes it).</param>
/// <param name="RelativeMs">Expiry in milliseconds from now; the bucket turns it into a time with its own clock.</param>
/// <param name="AtUnixMs">Expiry as a Unix time in milliseconds.</param>
/// <param name="Flags">Conditions and reply options.</param>
/// <param name="Target">The new name of a rename, or the glob pattern of a scan.</param>
/// <param name="Keys">The keys of a multi-key kind (exists, delete, multi-get, multi-set).</param>
/// <param name="Values">The values of a multi-set, one per key.</param>
[GenerateSerializer, Immutable, Alias("Buckets.KeyCommand")]
public sealed record KeyCommand(
    [property: Id(0)] KeyCommandKind Kind,
    [property: Id(1)] string Key = "",
    [property: Id(2)] byte[]? Value = null,
    [property: Id(3)] long Number = 0,
    [property: Id(4)] long Number2 = 0,
    [property: Id(5)] string? Amount = null,
    [property: Id(6)] long? RelativeMs = null,
    [property: Id(7)] long? AtUnixMs = null,
    [property: Id(8)] KeyConditions Flags = KeyConditions.None,
    [property: Id(9)] string? Target = null,
    [property: Id(10)] IReadOnlyList<string>? Keys = null,
    [property: Id(11)] IReadOnlyList<byte[]>? Values = null);
