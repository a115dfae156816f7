using System.Globalization;

namespace Buckets.Linearizability;

/// <summary>
/// One client operation on one key: what it did, when the client invoked it and heard back, and
/// what it heard. A read's <see cref="Value"/> is what it returned (null: nothing); a write's is
/// what it set; a delete has none.
/// </summary>
public sealed record RegisterOperation
{
    private RegisterOperation(string key, RegisterOperationKind kind, string? value, DateTimeOffset invoked, DateTimeOffset responded, OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (responded < invoked)
        {
            throw new ArgumentException($"An operation cannot end ({responded:O}) before it starts ({invoked:O}).", nameof(responded));
        }

        (Key, Kind, Value, Invoked, Responded, Outcome) = (key, kind, value, invoked, responded, outcome);
    }

    public string Key { get; }

    public RegisterOperationKind Kind { get; }

    public string? Value { get; }

    public DateTimeOffset Invoked { get; }

    /// <summary>When the client heard back, or gave up (for an <see cref="OperationOutcome.Unknown"/> outcome).</summary>
    public DateTimeOffset Responded { get; }

    public OperationOutcome Outcome { get; }

    public static RegisterOperation Write(string key, string value, DateTimeOffset invoked, DateTimeOffset responded, OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(key, RegisterOperationKind.Write, value, invoked, responded, outcome);
    }

    public static RegisterOperation Delete(string key, DateTimeOffset invoked, DateTimeOffset responded, OperationOutcome outcome) =>
        new(key, RegisterOperationKind.Delete, null, invoked, responded, outcome);

    /// <summary>A read that returned <paramref name="returned"/> (null: the key had no value).</summary>
    public static RegisterOperation Read(string key, string? returned, DateTimeOffset invoked, DateTimeOffset responded) =>
        new(key, RegisterOperationKind.Read, returned, invoked, responded, OperationOutcome.Ok);

    /// <summary>A read that got no answer: it says nothing about the register and the checker ignores it.</summary>
    public static RegisterOperation FailedRead(string key, DateTimeOffset invoked, DateTimeOffset responded) =>
        new(key, RegisterOperationKind.Read, null, invoked, responded, OperationOutcome.Failed);

    public override string ToString()
    {
        var span = string.Create(CultureInfo.InvariantCulture, $"[{Invoked.UtcDateTime:HH:mm:ss.fff}, {Responded.UtcDateTime:HH:mm:ss.fff}]");
        var outcome = Outcome switch
        {
            OperationOutcome.Ok => "acknowledged",
            OperationOutcome.Failed => "failed",
            _ => "with unknown outcome",
        };
        return Kind switch
        {
            RegisterOperationKind.Write => $"write of {Quote(Value)} {span} {outcome}",
            RegisterOperationKind.Delete => $"delete {span} {outcome}",
            _ when Outcome != OperationOutcome.Ok => $"read {span} that got no answer",
            _ => $"read {span} that returned {Quote(Value)}",
        };
    }

    internal static string Quote(string? value) => value is null ? "nothing" : $"\"{value}\"";
}
