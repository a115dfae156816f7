using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Buckets.Backup.Pulling;
using Buckets.Contracts.Http;
using Buckets.Hosting.Security;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Console;

/// <summary>The standalone backup server's restore: <c>POST /admin/buckets/{id}/restore</c> on a live registered silo's internal port, with the admin token.</summary>
internal sealed class SiloConsoleRestorer(SiloRegistry silos, IHttpClientFactory clients, IOptions<SecurityOptions> security) : IConsoleRestorer
{
    public const string HttpClientName = "console-restore";

    public async Task<string> RestoreAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        if (silos.Live() is not [var silo, ..])
        {
            return "No silo has announced itself to this backup server recently; nothing was restored. Retry when the cluster is up, or use 'buckets restore'.";
        }

        var query = atSeq is { } seq ? "?seq=" + seq.ToString(CultureInfo.InvariantCulture)
            : atTime is { } at ? "?at=" + Uri.EscapeDataString(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) : "";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(silo), $"/admin/buckets/{Uri.EscapeDataString(bucketId)}/restore{query}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", security.Value.AdminToken);
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<RestoreResponse>(cancellationToken) is { } restored)
        {
            return $"Restored bucket {bucketId}; the restore was recorded as change {restored.NewSeq}.";
        }

        return $"The silo refused the restore ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }
}
