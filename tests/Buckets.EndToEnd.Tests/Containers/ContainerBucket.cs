using System.Net;
using System.Net.Http.Json;
using System.Text;
using Buckets.Abstractions.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests.Containers;

/// <summary>A bucket of the container tests and every write the cluster acknowledged to it.</summary>
public sealed class ContainerBucket(string id, string apiKey, string durability, int writtenThrough)
{
    public string Id { get; } = id;

    public string ApiKey { get; } = apiKey;

    public string Durability { get; } = durability;

    /// <summary>The silo its first writes went through.</summary>
    public int WrittenThrough { get; } = writtenThrough;

    /// <summary>Key to the last value a 2xx acknowledged.</summary>
    public Dictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="key"/> through <paramref name="silo"/>; records the value when acknowledged.</summary>
    public async Task<HttpStatusCode> PutAsync(ContainerService silo, string key, string value)
    {
        using var client = silo.CreateClient(ApiKey);
        using var response = await client.PutAsync($"/v1/keys/{Uri.EscapeDataString(key)}", new StringContent(value, Encoding.UTF8, "text/plain"));
        if (response.IsSuccessStatusCode)
        {
            Acknowledged[key] = value;
        }

        return response.StatusCode;
    }

    /// <summary>The bucket's entries read through <paramref name="silo"/>, or null while it cannot answer.</summary>
    public async Task<Dictionary<string, string>?> TryReadAsync(ContainerService silo, TimeSpan timeout)
    {
        using var client = silo.CreateClient(ApiKey);
        client.Timeout = timeout;
        try
        {
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            var list = await client.GetFromJsonAsync<KeyListResponse>("/v1/keys?limit=1000");
            foreach (var key in list!.Keys)
            {
                using var response = await client.GetAsync($"/v1/keys/{Uri.EscapeDataString(key)}");
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                entries[key] = await response.Content.ReadAsStringAsync();
            }

            return entries;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until the backup server has acknowledged every change of the bucket.</summary>
    public async Task WaitBackedUpAsync(ContainerService silo, TimeSpan deadline)
    {
        using var client = silo.CreateClient(ApiKey);
        await Deployment.WaitBackedUpAsync(client, deadline);
    }

    public override string ToString() => $"{Durability} bucket {Id} (first written through silo{WrittenThrough})";
}
