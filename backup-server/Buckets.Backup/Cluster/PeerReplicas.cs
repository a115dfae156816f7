using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Threading.RateLimiting;
using Buckets.Backup.Endpoints;
using Buckets.Backup.Storage;
using Buckets.Hosting.Security;

namespace Buckets.Backup.Cluster;

/// <summary>
/// This server's reads of its peers' copies over the internal API, and the one rule by which a copy
/// is taken from them (see docs/backup-protocol.md, "Resync" and "Moves"): read every source, install
/// the newest by (writer epoch, last change) under the highest epoch any of them knows, read it back,
/// and compare its digest with the source's. Resync and moves both copy this way.
/// </summary>
public sealed class PeerReplicas(IBackupStore store, IHttpClientFactory clients, InternalToken token)
{
    public const string HttpClientName = "buckets-backup-resync";

    /// <summary>One page of a peer's bucket ids.</summary>
    public async Task<BucketPage> ListAsync(Uri peer, string? after, int limit, CancellationToken cancellationToken)
    {
        var query = $"?limit={limit.ToString(CultureInfo.InvariantCulture)}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
        using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.BucketList + query), HttpCompletionOption.ResponseContentRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<BucketPage>(cancellationToken) ?? throw new InvalidDataException("An empty bucket list.");
    }

    /// <summary>A peer's whole copy of the bucket; <c>null</c> when it holds none.</summary>
    public async Task<ReplicaCopy?> ReadAsync(Uri peer, string bucketId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.Replica(bucketId)), HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var (epoch, writer, lastSeq) = Head(response);
        return new ReplicaCopy(epoch, writer, lastSeq, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>Only the (writer epoch, last change) of a peer's copy, without its body; <c>null</c> when it holds none.</summary>
    public async Task<ReplicaPosition?> ReadPositionAsync(Uri peer, string bucketId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.Replica(bucketId)), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var (_, writer, lastSeq) = Head(response);
        return new ReplicaPosition(writer, lastSeq);
    }

    /// <summary>
    /// Copies the bucket from <paramref name="sources"/> by the rule above; bytes are taken from
    /// <paramref name="limiter"/>. Fails (try again later) when a source cannot be read: the highest
    /// epoch granted may be known only there, and without it the copy is not safe.
    /// </summary>
    public async Task<PeerCopy> CopyAsync(string bucketId, IEnumerable<Uri> sources, RateLimiter limiter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(limiter);
        var copies = new List<ReplicaCopy>();
        foreach (var source in sources)
        {
            try
            {
                if (await ReadAsync(source, bucketId, cancellationToken) is { } copy)
                {
                    copies.Add(copy);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException && !cancellationToken.IsCancellationRequested)
            {
                return PeerCopy.Failed($"bucket {bucketId}: replica {Abstractions.Backup.ReplicaPlacement.ServerId(source)} could not be read: {e.Message}");
            }
        }

        if (copies.Count == 0)
        {
            return new PeerCopy(true, 0, 0, null);
        }

        var newest = copies.MaxBy(copy => new ReplicaPosition(copy.WriterEpoch, copy.LastSeq))!;
        var install = newest with { Epoch = copies.Max(copy => copy.Epoch) };
        using var lease = await limiter.AcquireAsync((int)Math.Min(newest.Snapshot.Length, int.MaxValue), cancellationToken);
        await store.InstallReplicaAsync(bucketId, install, cancellationToken);
        var local = await store.ReadReplicaAsync(bucketId, cancellationToken);
        return local is null || StateDigest.Of(local.Snapshot) != StateDigest.Of(newest.Snapshot)
            ? PeerCopy.Failed($"bucket {bucketId}: the installed copy's digest differs from its source's")
            : new PeerCopy(true, newest.Snapshot.Length, newest.LastSeq, null);
    }

    /// <summary>A limiter of copied bytes per second for one resync or move pass.</summary>
    public static TokenBucketRateLimiter BandwidthLimiter(long bytesPerSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = (int)Math.Min(int.MaxValue, bytesPerSecond),
        TokensPerPeriod = (int)Math.Min(int.MaxValue, bytesPerSecond / 10),
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
        QueueLimit = int.MaxValue,
        AutoReplenishment = true,
    });

    private static (long Epoch, long WriterEpoch, long LastSeq) Head(HttpResponseMessage response) => (
        InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.EpochHeader),
        InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.WriterEpochHeader),
        InternalBackupRoutes.ReadHeader(response, InternalBackupRoutes.LastSeqHeader));

    private async Task<HttpResponseMessage> SendAsync(Uri uri, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new("Bearer", token.Value);
        using var client = clients.CreateClient(HttpClientName);
        return await client.SendAsync(request, completion, cancellationToken);
    }
}

/// <summary>How copying one bucket from its peers went.</summary>
/// <param name="Complete">True when it is copied and verified, or no source held it.</param>
/// <param name="Bytes">Englang bytes copied.</param>
/// <param name="LastSeq">The last change of the copy installed (0 when none).</param>
/// <param name="Problem">Why it failed, when it did.</param>
public sealed record PeerCopy(bool Complete, long Bytes, long LastSeq, string? Problem)
{
    public static PeerCopy Failed(string problem) => new(false, 0, 0, problem);
}
