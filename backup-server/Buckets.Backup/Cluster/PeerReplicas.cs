using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Endpoints;
using Buckets.Backup.Storage;
using Buckets.Hosting.Security;

namespace Buckets.Backup.Cluster;

/// <summary>
/// <see cref="IPeerReplicas"/> over the peers' <c>/internal/v1</c> endpoints with the internal token:
/// the bucket listing, the whole copy (<see cref="InternalBackupRoutes.Replica"/>) and the digest
/// (<see cref="InternalBackupRoutes.Digest"/>). Thread-safe.
/// </summary>
public sealed class PeerReplicas(IHttpClientFactory clients, InternalToken token) : IPeerReplicas
{
    public const string HttpClientName = "buckets-backup-resync";

    /// <inheritdoc />
    public async Task<BucketPage> ListAsync(Uri peer, string? after, int limit, CancellationToken cancellationToken)
    {
        var query = $"?limit={limit.ToString(CultureInfo.InvariantCulture)}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
        using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.BucketList + query), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<BucketPage>(cancellationToken) ?? throw new HttpRequestException("An empty bucket list.");
    }

    /// <inheritdoc />
    public async Task<ReplicaCopy?> ReadCopyAsync(Uri peer, string bucketId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.Replica(bucketId)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        try
        {
            return new ReplicaCopy(
                InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.EpochHeader),
                InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.WriterEpochHeader),
                InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.LastSeqHeader),
                await response.Content.ReadAsByteArrayAsync(cancellationToken),
                response.Headers.Contains(InternalBackupRoutes.ErasedHeader));
        }
        catch (InvalidDataException e)
        {
            throw new HttpRequestException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public async Task<ReplicaAnswer> ReadDigestAsync(Uri peer, string bucketId, long? atSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var server = ReplicaPlacement.ServerId(peer);
        try
        {
            using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.Digest(bucketId, atSeq)), cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK when await response.Content.ReadFromJsonAsync<ReplicaDigest>(cancellationToken) is { } digest => ReplicaAnswer.Of(server, digest),
                HttpStatusCode.NotFound or HttpStatusCode.Gone => new ReplicaAnswer(server, ReplicaHolding.Missing),
                HttpStatusCode.UnprocessableEntity => new ReplicaAnswer(server, ReplicaHolding.Damaged),
                _ => new ReplicaAnswer(server, ReplicaHolding.Unreachable),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            return new ReplicaAnswer(server, ReplicaHolding.Unreachable);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new("Bearer", token.Value);
        using var client = clients.CreateClient(HttpClientName);
        return await client.SendAsync(request, cancellationToken);
    }
}
