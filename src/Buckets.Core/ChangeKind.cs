namespace Buckets.Core;

/// <summary>The kinds of change a bucket records in its journal.</summary>
public enum ChangeKind
{
    Set,
    Delete,
}
