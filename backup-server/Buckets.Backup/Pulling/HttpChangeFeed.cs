using System.Net.Http.Json;
using Buckets.Abstractions.Backup;
using Buckets.Hosting.Security;

namespace Buckets.Backup.Pulling;

/// <summary>A silo pulled over HTTP at <c>POST /internal/v1/backup/pull</c>.</summary>
public sealed class HttpChangeFeed(Uri siloAddress, IHttpClientFactory clients, InternalToken token) : IChangeFeed
{
    public const string HttpClientName = "buckets-silos";

    public string Name { get; } = siloAddress.ToString();

    public async Task<PullResponse> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        using var client = clients.CreateClient(HttpClientName);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(siloAddress, "/internal/v1/backup/pull"))
        {
            Content = JsonContent.Create(request),
        };
        message.Headers.Authorization = new("Bearer", token.Value);
        using var response = await client.SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<PullResponse>(cancellationToken)
            ?? throw new InvalidDataException($"{Name} answered an empty pull response.");
    }
}
