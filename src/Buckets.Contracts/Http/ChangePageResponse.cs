namespace Buckets.Contracts.Http;

/// <summary>A long-poll page of <c>GET /v1/changes?wait=</c>.</summary>
/// <param name="Changes">The changes after the number asked for, in order; empty when none came within the wait.</param>
/// <param name="Next">The number to ask after next time (the last change here, or the one asked for).</param>
/// <param name="LastChange">The bucket's latest change number when the page was made.</param>
public sealed record ChangePageResponse(IReadOnlyList<ChangeEventResponse> Changes, long Next, long LastChange);
