namespace Buckets.Abstractions.Commands;

/// <summary>The answer to one <see cref="KeyCommand"/>, shaped as Redis answers (either protocol renders it).</summary>
/// <param name="Kind">Which of the fields holds the answer.</param>
/// <param name="Number">The integer of <see cref="KeyReplyKind.Number"/>.</param>
/// <param name="Bytes">The bytes of <see cref="KeyReplyKind.Bulk"/>.</param>
/// <param name="Items">The items of <see cref="KeyReplyKind.Array"/>.</param>
/// <param name="Error">The error line of <see cref="KeyReplyKind.Error"/>: a Redis error code word, then the message.</param>
[GenerateSerializer, Immutable, Alias("Buckets.KeyReply")]
public sealed record KeyReply(
    [property: Id(0)] KeyReplyKind Kind,
    [property: Id(1)] long Number = 0,
    [property: Id(2)] byte[]? Bytes = null,
    [property: Id(3)] IReadOnlyList<KeyReply>? Items = null,
    [property: Id(4)] string? Error = null)
{
    /// <summary>The "OK" status.</summary>
    public static readonly KeyReply Ok = new(KeyReplyKind.Ok);

    /// <summary>The null reply.</summary>
    public static readonly KeyReply Null = new(KeyReplyKind.Null);

    /// <summary>The integers 0 and 1, the commonest answers.</summary>
    public static readonly KeyReply Zero = new(KeyReplyKind.Number, 0);

    /// <inheritdoc cref="Zero"/>
    public static readonly KeyReply One = new(KeyReplyKind.Number, 1);

    /// <summary>An integer answer.</summary>
    public static KeyReply Of(long number) => number switch { 0 => Zero, 1 => One, _ => new(KeyReplyKind.Number, number) };

    /// <summary>A bulk answer (null when <paramref name="bytes"/> is).</summary>
    public static KeyReply Of(byte[]? bytes) => bytes is null ? Null : new(KeyReplyKind.Bulk, Bytes: bytes);

    /// <summary>An array answer.</summary>
    public static KeyReply Of(IReadOnlyList<KeyReply> items) => new(KeyReplyKind.Array, Items: items);

    /// <summary>An error answer; <paramref name="line"/> starts with its code word (ERR, OOM, TRYAGAIN).</summary>
    public static KeyReply Fail(string line) => new(KeyReplyKind.Error, Error: line);
}
