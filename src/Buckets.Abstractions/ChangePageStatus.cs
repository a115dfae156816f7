namespace Buckets.Abstractions;

/// <summary>Whether a read of changes after a number could be served.</summary>
public enum ChangePageStatus
{
    /// <summary>The page holds the changes after the number (maybe none yet).</summary>
    Ok,

    /// <summary>The changes right after the number are kept neither in memory nor by the backup server; resume after <see cref="ChangePage.OldestAfter"/>.</summary>
    TooOld,

    /// <summary>
    /// The number is above the bucket's latest change: it was never made, or the changes after it
    /// were lost with a silo before the backup server stored them (a standard bucket). Resume after <see cref="ChangePage.LastSeq"/>.
    /// </summary>
    Ahead,

    /// <summary>The backup server could not be asked for the older changes right now; retry shortly.</summary>
    Unavailable,
}
