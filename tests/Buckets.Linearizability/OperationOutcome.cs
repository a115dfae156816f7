namespace Buckets.Linearizability;

/// <summary>What the client learned about an operation's effect.</summary>
public enum OperationOutcome
{
    /// <summary>Acknowledged: a write or delete took effect; a read returned <see cref="RegisterOperation.Value"/>.</summary>
    Ok,

    /// <summary>Definitely not applied (for example a 4xx answered before any change).</summary>
    Failed,

    /// <summary>
    /// Maybe applied, at any time after its invocation, even after the history ends (a timeout, a
    /// 503 after the change was applied in memory, a connection lost after sending).
    /// </summary>
    Unknown,
}
