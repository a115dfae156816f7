namespace Buckets.Englang;

/// <summary>
/// The outcome of a replay: the state reached, the errors that stopped it (a sequence gap or
/// overlap, a broken snapshot, a corrupt line; each names file and line), and any torn tails met
/// (the records before a torn tail are applied; the torn line is not).
/// </summary>
/// <param name="State">The state reached (up to the last record applied before any error).</param>
/// <param name="Errors">Empty when the replay succeeded; otherwise the error that stopped it.</param>
/// <param name="TornTails">Torn last lines that were skipped.</param>
public sealed record ReplayResult(
    ReplayState State,
    IReadOnlyList<EnglangError> Errors,
    IReadOnlyList<EnglangTornTail> TornTails)
{
    /// <summary>True when no error stopped the replay.</summary>
    public bool Succeeded => Errors.Count == 0;
}
