using System.Globalization;
using System.Net.Http.Json;
using Buckets.Contracts.Http;

namespace Buckets.Client;

/// <summary>
/// The operators' client: mints and revokes API keys and restores buckets, with the admin token, on
/// the server's internal port. Register it with <see cref="BucketsClientServiceCollectionExtensions.AddBucketsAdminClient"/>.
/// </summary>
public sealed class BucketsAdminClient(HttpClient http)
{
    /// <summary>Mints an API key for bucket <paramref name="id"/> (a random id when <c>null</c>).</summary>
    public async Task<MintKeyResponse> MintKeyAsync(string? id = null, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("admin/keys", new MintKeyRequest(id), BucketsJson.Options, cancellationToken).ConfigureAwait(false);
        return await BucketsClient.ReadJsonAsync<MintKeyResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes every key of bucket <paramref name="id"/> issued so far; mint again for a key that works.</summary>
    public async Task<RevokeKeyResponse> RevokeKeysAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync($"admin/keys/{Uri.EscapeDataString(id)}/revoke", content: null, cancellationToken).ConfigureAwait(false);
        return await BucketsClient.ReadJsonAsync<RevokeKeyResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Restores a bucket from its backup as of change <paramref name="atChange"/> or time <paramref name="at"/>
    /// (the latest backup when neither). 404 no backup, 410 the point is past retention, 422 the history is damaged.
    /// </summary>
    public async Task<RestoreResponse> RestoreAsync(string bucketId, long? atChange = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var uri = $"admin/buckets/{Uri.EscapeDataString(bucketId)}/restore";
        if (atChange is { } seq)
        {
            uri += "?seq=" + seq.ToString(CultureInfo.InvariantCulture);
        }
        else if (at is { } time)
        {
            uri += "?at=" + Uri.EscapeDataString(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }

        using var response = await http.PostAsync(uri, content: null, cancellationToken).ConfigureAwait(false);
        return await BucketsClient.ReadJsonAsync<RestoreResponse>(response, cancellationToken).ConfigureAwait(false);
    }
}
