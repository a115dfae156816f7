namespace Buckets.Englang.Tests;

/// <summary>Value equality for records (byte arrays compare by content, times by instant).</summary>
internal static class RecordComparer
{
    public static bool Same(EnglangRecord a, EnglangRecord b) => (a, b) switch
    {
        (SetRecord x, SetRecord y) => x.Value.AsSpan().SequenceEqual(y.Value) && x with { Value = y.Value } == y,
        (SnapshotEntryRecord x, SnapshotEntryRecord y) => x.Value.AsSpan().SequenceEqual(y.Value) && x with { Value = y.Value } == y,
        _ => a == b,
    };

    public static void AssertSame(EnglangRecord expected, EnglangRecord actual) =>
        Assert.True(Same(expected, actual), $"expected {Describe(expected)}\nbut got  {Describe(actual)}");

    public static string Describe(EnglangRecord record) => record switch
    {
        SetRecord set => $"{set} Value=[{Convert.ToHexString(set.Value)}]",
        SnapshotEntryRecord entry => $"{entry} Value=[{Convert.ToHexString(entry.Value)}]",
        _ => record.ToString(),
    };
}
