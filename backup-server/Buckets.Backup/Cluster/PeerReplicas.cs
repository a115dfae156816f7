using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Threading.RateLimiting;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Endpoints;
using Buckets.Backup.Storage;
using Buckets.Hosting.Security;

namespace Buckets.Backup.Cluster;

/// <summary>
/// This server's reads of its peers' copies over the internal API, and copying a bucket from them
/// (see docs/backup-protocol.md, "Resync", "Moves" and "Integrity sweep"): read every source, take the
/// copy <see cref="NewestCopy"/> chooses (the newest by writer epoch and last change) under the highest
/// epoch any of them knows, read it back, and compare its digest with the source's. Resync and moves
/// copy with <see cref="CopyAsync"/>; the integrity sweep compares digests first
/// (<see cref="ReadDigestAsync"/>) and installs the same rule's choice itself.
/// </summary>
public sealed class PeerReplicas(IBackupStore store, IHttpClientFactory clients, InternalToken token) : IPeerReplicas
{
    public const string HttpClientName = "buckets-backup-resync";

    /// <summary>
    /// Bytes taken from a limiter per acquisition: the least a bandwidth setting allows
    /// (<see cref="ResyncOptions.MaxBytesPerSecond"/>, <see cref="SweepOptions.MaxBytesPerSecond"/>), so
    /// one acquisition never asks for more than the limiter holds, however large the copy.
    /// </summary>
    public const int LimiterChunkBytes = 64 * 1024;

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
        return new ReplicaCopy(epoch, writer, lastSeq, await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Headers.Contains(InternalBackupRoutes.ErasedHeader));
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

    /// <inheritdoc />
    public async Task<ReplicaAnswer> ReadDigestAsync(Uri peer, string bucketId, long? atSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var server = ReplicaPlacement.ServerId(peer);
        try
        {
            using var response = await SendAsync(new Uri(peer, InternalBackupRoutes.Digest(bucketId, atSeq)), HttpCompletionOption.ResponseContentRead, cancellationToken);
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

    /// <summary>
    /// Copies the bucket from <paramref name="sources"/> by the rule above; bytes are taken from
    /// <paramref name="limiter"/>. Fails (try again later) when a source cannot be read: the highest
    /// epoch granted may be known only there, and without it the copy is not safe.
    /// </summary>
    public async Task<PeerCopy> CopyAsync(string bucketId, IEnumerable<Uri> sources, RateLimiter limiter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(limiter);
        var copies = new List<(string Server, ReplicaCopy Copy, ReplicaDigest Digest)>();
        foreach (var source in sources)
        {
            try
            {
                if (await ReadAsync(source, bucketId, cancellationToken) is { } copy)
                {
                    copies.Add((ReplicaPlacement.ServerId(source), copy, ReplicaDigest.Of(copy)));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException && !cancellationToken.IsCancellationRequested)
            {
                return PeerCopy.Failed($"bucket {bucketId}: replica {ReplicaPlacement.ServerId(source)} could not be read: {e.Message}");
            }
        }

        // The taker holds nothing it could weigh (or is moving in): a majority of the sources with it counted.
        if (NewestCopy.Choose([.. copies.Select(c => (c.Server, c.Digest))], null, ReplicaPlacement.Majority(copies.Count + 1)) is not { } choice)
        {
            return new PeerCopy(true, 0, 0, null);
        }

        var newest = copies.First(c => c.Server == choice.Source).Copy;
        await TakeAsync(limiter, newest.Snapshot.Length, cancellationToken);
        return await NewestCopy.InstallAsync(store, bucketId, newest, choice.Epoch, replace: false, held: null, cancellationToken) == InstallOutcome.DigestMismatch
            ? PeerCopy.Failed($"bucket {bucketId}: the installed copy's digest differs from its source's")
            : new PeerCopy(true, newest.Snapshot.Length, newest.LastSeq, null);
    }

    /// <summary>A limiter of copied bytes per second for one resync, move or sweep pass.</summary>
    public static TokenBucketRateLimiter BandwidthLimiter(long bytesPerSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = (int)Math.Min(int.MaxValue, bytesPerSecond),
        TokensPerPeriod = (int)Math.Min(int.MaxValue, bytesPerSecond / 10),
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
        QueueLimit = int.MaxValue,
        AutoReplenishment = true,
    });

    /// <summary>Waits until <paramref name="bytes"/> may pass <paramref name="limiter"/>, in chunks of <see cref="LimiterChunkBytes"/>.</summary>
    public static async Task TakeAsync(RateLimiter limiter, long bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        for (var left = bytes; left > 0; left -= LimiterChunkBytes)
        {
            using var lease = await limiter.AcquireAsync((int)Math.Min(left, LimiterChunkBytes), cancellationToken);
        }
    }

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
