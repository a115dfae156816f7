namespace Buckets.Cluster.Tests.Grains;

public sealed class MetadataTestGrain(
    [PersistentState("meta", PostgresClusterDefaults.MetadataStorageName)] IPersistentState<MetadataTestState> state)
    : Grain, IMetadataTestGrain
{
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    public Task<string?> GetETagAsync() => Task.FromResult(state.Etag);

    public Task ClearAsync() => state.ClearStateAsync();
}
