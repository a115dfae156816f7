using System.Net;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;
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

    /// <summary>
    /// Writes answered 503 that may still have been applied (a critical write the backup server did not
    /// confirm): each may be there with its value or not at all, never with another value.
    /// </summary>
    public Dictionary<string, string> Unconfirmed { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="key"/> through <paramref name="silo"/>; records the value when acknowledged.</summary>
    public async Task<HttpStatusCode> PutAsync(ContainerService silo, string key, string value) => (await PutWithAnswerAsync(silo, key, value)).Status;

    /// <summary>As <see cref="PutAsync"/>, with the answer's body (a problem's detail says what happened).</summary>
    public async Task<(HttpStatusCode Status, string Body)> PutWithAnswerAsync(ContainerService silo, string key, string value)
    {
        using var client = silo.CreateClient(ApiKey);
        using var response = await client.PutAsync($"/v1/keys/{Uri.EscapeDataString(key)}", new StringContent(value, Encoding.UTF8, "text/plain"));
        if (response.IsSuccessStatusCode)
        {
            Acknowledged[key] = value;
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asserts <paramref name="entries"/> are exactly what was acknowledged, naming each difference.</summary>
    public void AssertHolds(IReadOnlyDictionary<string, string>? entries, string when)
    {
        Assert.True(entries is not null, $"{this} did not answer {when}");
        var missing = Acknowledged.Keys.Where(k => !entries.ContainsKey(k));
        var extra = entries.Keys.Where(k => !Acknowledged.ContainsKey(k) && !(Unconfirmed.TryGetValue(k, out var maybe) && entries[k] == maybe));
        var changed = Acknowledged.Keys.Where(k => entries.TryGetValue(k, out var v) && v != Acknowledged[k]);
        var differences = missing.Select(k => $"missing {k}").Concat(extra.Select(k => $"unexpected {k} = {entries[k]}")).Concat(changed.Select(k => $"{k} = {entries[k]}, acknowledged {Acknowledged[k]}")).ToList();
        Assert.True(differences.Count == 0, $"{this} {when}: {string.Join("; ", differences)}");
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
