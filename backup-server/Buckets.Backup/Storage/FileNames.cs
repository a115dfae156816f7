using System.Globalization;

namespace Buckets.Backup.Storage;

/// <summary>
/// Names of the files in a bucket folder, chosen so a person listing the folder sees what each holds:
/// <list type="bullet">
/// <item><c>snapshot-&lt;seq:D12&gt;-&lt;yyyyMMddTHHmmssZ&gt;.englang</c>: the full state as of change seq.</item>
/// <item><c>changes-&lt;from:D12&gt;-open-&lt;date&gt;.englang</c>: the segment being appended to.</item>
/// <item><c>changes-&lt;from:D12&gt;-&lt;to:D12&gt;-&lt;date&gt;.englang</c>: a sealed segment (the date is when it was opened).</item>
/// </list>
/// </summary>
internal static class FileNames
{
    public const string Manifest = "manifest.json";
    public const string Extension = ".englang";
    public const string TempSuffix = ".tmp";
    public const string SnapshotKind = "snapshot";
    public const string ChangesKind = "changes";

    private const string OpenMarker = "open";
    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string Snapshot(long seq, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{SnapshotKind}-{seq:D12}-{Date(at)}{Extension}");

    public static string OpenSegment(long fromSeq, DateTimeOffset openedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{ChangesKind}-{fromSeq:D12}-{OpenMarker}-{Date(openedAt)}{Extension}");

    public static bool IsOpenSegment(string name) => TrySplitSegment(name, out _, out var to, out _) && to == OpenMarker;

    /// <summary>The name an open segment gets when sealed at <paramref name="toSeq"/> (its date is kept).</summary>
    public static string Sealed(string openName, long toSeq)
    {
        if (!TrySplitSegment(openName, out var from, out var to, out var date) || to != OpenMarker)
        {
            throw new ArgumentException("Not the name of an open change segment.", nameof(openName));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{ChangesKind}-{from}-{toSeq:D12}-{date}{Extension}");
    }

    /// <summary>The open name a sealed segment had before its seal, or null when <paramref name="sealedName"/> is not a sealed segment.</summary>
    public static string? OpenNameOf(string sealedName) =>
        TrySplitSegment(sealedName, out var from, out var to, out var date) && to != OpenMarker
            ? $"{ChangesKind}-{from}-{OpenMarker}-{date}{Extension}"
            : null;

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static bool TrySplitSegment(string name, out string from, out string to, out string date)
    {
        from = to = date = string.Empty;
        if (!name.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = name[..^Extension.Length].Split('-');
        if (parts.Length != 4 || parts[0] != ChangesKind)
        {
            return false;
        }

        (from, to, date) = (parts[1], parts[2], parts[3]);
        return true;
    }
}
