using System.Net;
using System.Globalization;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Security;
using Buckets.Grains.Backup;

namespace Buckets.Server.Backup;

/// <summary>Talks to a separate backup server over HTTP with the internal token.</summary>
public sealed class HttpBackupClient(HttpClient http, InternalToken token) : IBackupClient
{
    public bool IsEnabled => true;

    public async Task<BackupEpoch> OpenEpochAsync(string bucketId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/internal/v1/buckets/{bucketId}/epochs", null, cancellationToken);
        return await ReadAsync<BackupEpoch>(response, cancellationToken);
    }

    public async Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/internal/v1/batches", JsonContent.Create(batch), cancellationToken);
        return await ReadAsync<BackupAck>(response, cancellationToken);
    }

    public async Task<byte[]?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        var query = atSeq is { } seq ? $"?seq={seq}" : atTime is { } at ? $"?at={Uri.EscapeDataString(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}" : "";
        using var response = await SendAsync(HttpMethod.Get, $"/internal/v1/buckets/{bucketId}/state{query}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Gone)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(cancellationToken);
            throw new BackupReadException(problem?.Detail ?? "The backup server cannot give that state.") { Damaged = response.StatusCode == HttpStatusCode.UnprocessableEntity };
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task EraseAsync(string bucketId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/internal/v1/buckets/{bucketId}", null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new("Bearer", token.Value);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new InvalidDataException($"The backup server answered an empty {typeof(T).Name}.");
    }
}
