namespace Buckets.Core.Feed;

/// <summary>Why a <see cref="ChangeFollower"/> stopped.</summary>
public enum FollowEnd
{
    /// <summary>It has not: changes keep coming.</summary>
    None,

    /// <summary>The subscriber fell behind by more than the buffer holds; it resumes from the last change it got.</summary>
    Overflow,

    /// <summary>The changes after the number asked for are no longer kept; <see cref="ChangeFollower.ResumeAfter"/> is the oldest it may resume after.</summary>
    TooOld,

    /// <summary>The number is above the bucket's latest change (never made, or lost with a silo before it was stored).</summary>
    Ahead,
}
