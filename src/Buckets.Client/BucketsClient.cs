using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using Buckets.Contracts.Http;

namespace Buckets.Client;

/// <summary>
/// A tenant's client of the Buckets HTTP API: one bucket, the one its API key opens. Register it
/// with <see cref="BucketsClientServiceCollectionExtensions.AddBucketsClient"/> (a typed client of
/// IHttpClientFactory that sends the key and retries 503 with Retry-After), or construct it over an
/// HttpClient whose base address and Authorization header are set. Thread-safe. Refusals throw a
/// <see cref="BucketsApiException"/> subclass; a missing entry is <c>null</c> or <c>false</c>, not an exception.
/// </summary>
public sealed partial class BucketsClient(HttpClient http)
{
    private const string KeysPath = "v1/keys";
    private static readonly MediaTypeHeaderValue Text = new("text/plain") { CharSet = "utf-8" };
    private static readonly MediaTypeHeaderValue Binary = new("application/octet-stream");

    /// <summary>Reads an entry; <c>null</c> when the bucket has no live entry under <paramref name="key"/>.</summary>
    public async Task<BucketEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(KeyUri(key), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var value = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new BucketEntry(
            key,
            value,
            VersionOf(response),
            response.Content.Headers.Expires,
            response.Content.Headers.ContentType?.MediaType == "text/plain");
    }

    /// <summary>Reads an entry as UTF-8 text; <c>null</c> when absent.</summary>
    public async Task<string?> GetStringAsync(string key, CancellationToken cancellationToken = default) =>
        (await GetAsync(key, cancellationToken).ConfigureAwait(false))?.AsString();

    /// <summary>Writes bytes (sent as application/octet-stream). Throws <see cref="BucketFullException"/>, <see cref="PreconditionFailedException"/>.</summary>
    public Task<SetResult> SetAsync(string key, ReadOnlyMemory<byte> value, SetOptions? options = null, CancellationToken cancellationToken = default) =>
        SetAsync(key, new ReadOnlyMemoryContent(value) { Headers = { ContentType = Binary } }, options, cancellationToken);

    /// <summary>Writes text (sent as UTF-8 text/plain). Throws <see cref="BucketFullException"/>, <see cref="PreconditionFailedException"/>.</summary>
    public Task<SetResult> SetStringAsync(string key, string value, SetOptions? options = null, CancellationToken cancellationToken = default) =>
        SetAsync(key, new ByteArrayContent(Encoding.UTF8.GetBytes(value)) { Headers = { ContentType = Text } }, options, cancellationToken);

    /// <summary>Deletes an entry (only version <paramref name="ifVersion"/> when given); false when there was none.</summary>
    public async Task<bool> DeleteAsync(string key, long? ifVersion = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, KeyUri(key));
        if (ifVersion is { } version)
        {
            request.Headers.IfMatch.Add(Tag(version));
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>One page of keys starting with <paramref name="prefix"/>; pass <see cref="KeyListResponse.NextCursor"/> back for the next.</summary>
    public async Task<KeyListResponse> ListPageAsync(string? prefix = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder(KeysPath).Append('?');
        if (!string.IsNullOrEmpty(prefix))
        {
            query.Append("prefix=").Append(Uri.EscapeDataString(prefix)).Append('&');
        }

        if (limit is { } pageSize)
        {
            query.Append("limit=").Append(pageSize.ToString(CultureInfo.InvariantCulture)).Append('&');
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            query.Append("cursor=").Append(Uri.EscapeDataString(cursor));
        }

        return await GetJsonAsync<KeyListResponse>(query.ToString().TrimEnd('&', '?'), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every key starting with <paramref name="prefix"/>, in UTF-8 byte order, fetched a page at a time as the caller reads.</summary>
    public async IAsyncEnumerable<string> ListKeysAsync(string? prefix = null, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListPageAsync(prefix, pageSize, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
            {
                yield return key;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>Applies sets and deletes all or nothing. Throws <see cref="BatchNotAppliedException"/> (with every operation's result) when none was applied.</summary>
    public async Task<BatchResponse> BatchAsync(IReadOnlyList<BatchRequestOperation> operations, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("v1/batch", new BatchRequest(operations), BucketsJson.Options, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<BatchResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bucket's entries, bytes, last change, policy and backup progress.</summary>
    public Task<BucketStatsResponse> GetStatsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<BucketStatsResponse>("v1/bucket", cancellationToken);

    /// <summary>Sets the durability class (<c>cache</c>, <c>standard</c>, <c>critical</c>) and default TTL; returns the policy now in force.</summary>
    public async Task<BucketPolicyDto> SetPolicyAsync(BucketPolicyDto policy, CancellationToken cancellationToken = default)
    {
        using var response = await http.PutAsJsonAsync("v1/bucket/policy", policy, BucketsJson.Options, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<BucketPolicyDto>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The bucket's live entries as a stream the server writes while the caller reads (dispose it to
    /// end the download). A stream that ends early was cut short: Englang shows it by a missing footer.
    /// </summary>
    public async Task<Stream> ExportAsync(ExportFormat format = ExportFormat.Englang, CancellationToken cancellationToken = default)
    {
        var response = await http.GetAsync(
            format == ExportFormat.Csv ? "v1/bucket/export?format=csv" : "v1/bucket/export",
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Erases the bucket: its entries and its backup files. The key keeps working on the empty bucket.</summary>
    public async Task EraseAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync("v1/bucket", cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await BucketsProblems.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(BucketsJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new BucketsApiException(response.StatusCode, null, null, "The API answered an empty body.");
    }

    private async Task<T> GetJsonAsync<T>(string uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SetResult> SetAsync(string key, HttpContent content, SetOptions? options, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, KeyUri(key, options?.Ttl)) { Content = content };
        if (options?.IfVersion is { } version)
        {
            request.Headers.IfMatch.Add(Tag(version));
        }

        if (options?.OnlyIfAbsent == true)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return new SetResult(VersionOf(response), response.StatusCode == HttpStatusCode.Created);
    }

    /// <summary>The key's path: each '/'-separated segment escaped, so keys with '/' keep their shape.</summary>
    private static string KeyUri(string key, TimeSpan? ttl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var path = KeysPath + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return ttl is { } time
            ? path + "?ttl=" + ((long)Math.Ceiling(time.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : path;
    }

    private static EntityTagHeaderValue Tag(long version) => new("\"" + version.ToString(CultureInfo.InvariantCulture) + "\"");

    private static long VersionOf(HttpResponseMessage response) =>
        response.Headers.ETag is { } tag && long.TryParse(tag.Tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new BucketsApiException(response.StatusCode, null, null, "The answer carries no version (ETag).");
}
