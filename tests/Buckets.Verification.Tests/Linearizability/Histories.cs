using Buckets.Linearizability;

namespace Buckets.Verification.Tests.Linearizability;

/// <summary>Register operations on one key at whole-millisecond times, so a test reads as a timeline.</summary>
public static class Histories
{
    public const string Key = "k";
    private static readonly DateTimeOffset Origin = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(long millisecond) => Origin.AddMilliseconds(millisecond);

    public static RegisterOperation Write(string value, long from, long to, OperationOutcome outcome = OperationOutcome.Ok, string key = Key) =>
        RegisterOperation.Write(key, value, At(from), At(to), outcome);

    public static RegisterOperation Delete(long from, long to, OperationOutcome outcome = OperationOutcome.Ok) =>
        RegisterOperation.Delete(Key, At(from), At(to), outcome);

    public static RegisterOperation Read(string? returned, long from, long to, string key = Key) =>
        RegisterOperation.Read(key, returned, At(from), At(to));
}
