namespace Buckets.Backup.Storage;

/// <summary>A change segment listed in a manifest.</summary>
/// <param name="Name">The file name inside the bucket folder.</param>
/// <param name="FromSeq">The first change it holds.</param>
/// <param name="ToSeq">The last change it holds once sealed; <c>null</c> while it is the open segment.</param>
internal sealed record ManifestSegment(string Name, long FromSeq, long? ToSeq)
{
    public bool IsOpen => ToSeq is null;
}
