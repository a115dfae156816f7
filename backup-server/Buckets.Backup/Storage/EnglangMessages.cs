namespace Buckets.Backup.Storage;

/// <summary>
/// Makes Englang problem messages safe to log and return: the parser quotes up to 24 characters of
/// the text it found ("... but found \"...\""), which may be part of a key or value.
/// </summary>
internal static class EnglangMessages
{
    private const string FoundMarker = " but found ";

    public static string Redact(string message)
    {
        var index = message.IndexOf(FoundMarker, StringComparison.Ordinal);
        return index < 0 ? message : message[..index] + " (the text found is not shown)";
    }
}
