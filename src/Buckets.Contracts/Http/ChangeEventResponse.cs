namespace Buckets.Contracts.Http;

/// <summary>One change of the bucket, as <c>GET /v1/changes</c> reports it (an SSE event's data, or an item of a long-poll page).</summary>
/// <param name="Change">The change number (the SSE event id); resume after it.</param>
/// <param name="Kind"><c>set</c>, <c>delete</c>, <c>expire</c> (an expiry changed), <c>expired</c> (the entry reached its expiry), <c>clear</c>, <c>policy</c>, <c>restore</c> or <c>snapshot</c>.</param>
/// <param name="At">When the bucket made the change.</param>
/// <param name="Key">The key, or <c>null</c> for a change of the whole bucket.</param>
/// <param name="Value">The value a <c>set</c> wrote: UTF-8 text, or base64 when <paramref name="ValueEncoding"/> says so; <c>null</c> when too large.</param>
/// <param name="ValueEncoding"><c>utf-8</c> or <c>base64</c>, with a value.</param>
/// <param name="ValueBytes">The value's size in bytes, with a <c>set</c>.</param>
/// <param name="ValueTooLarge">True when the value was larger than the feed sends (<c>Buckets:Feed:MaxEventValueBytes</c>): read the key for it.</param>
/// <param name="ExpiresAt">The expiry written (<c>set</c>, <c>expire</c>), or the deadline reached (<c>expired</c>).</param>
/// <param name="Policy">The bucket's policy after a <c>policy</c>, <c>restore</c> or <c>snapshot</c>.</param>
public sealed record ChangeEventResponse(
    long Change,
    string Kind,
    DateTimeOffset At,
    string? Key,
    string? Value,
    string? ValueEncoding,
    int? ValueBytes,
    bool? ValueTooLarge,
    DateTimeOffset? ExpiresAt,
    BucketPolicyDto? Policy);
