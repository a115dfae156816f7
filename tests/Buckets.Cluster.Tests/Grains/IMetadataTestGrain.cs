namespace Buckets.Cluster.Tests.Grains;

/// <summary>A grain whose only job is to keep a value in the bucket-metadata storage.</summary>
public interface IMetadataTestGrain : IGrainWithStringKey
{
    Task SetAsync(string value);

    Task<string?> GetAsync();

    /// <summary>The ETag the grain holds (the row version in PostgreSQL).</summary>
    Task<string?> GetETagAsync();

    Task ClearAsync();
}
