namespace Buckets.Abstractions;

/// <summary>How a bucket's changes are protected beyond memory.</summary>
public enum Durability
{
    /// <summary>Never backed up: lost when the bucket's silo dies or the bucket goes idle.</summary>
    Cache = 0,

    /// <summary>Pulled by the backup server at its interval (the default); a crash can lose the last interval.</summary>
    Standard = 1,

    /// <summary>A write is acknowledged only after the backup server has fsynced it.</summary>
    Critical = 2,
}
