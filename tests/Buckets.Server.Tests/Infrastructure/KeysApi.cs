using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>Request helpers for <c>/v1/keys</c>; keys are percent-encoded segment by segment.</summary>
public static class KeysApi
{
    public const string TextUtf8 = "text/plain; charset=utf-8";
    public const string OctetStream = "application/octet-stream";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The relative address of an entry, slashes kept as path separators.</summary>
    public static Uri KeyUri(string key, string? query = null) =>
        new("/v1/keys/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) + (query is null ? "" : "?" + query), UriKind.Relative);

    public static Uri Relative(string pathAndQuery) => new(pathAndQuery, UriKind.Relative);

    public static HttpContent Text(string value) => Bytes(Encoding.UTF8.GetBytes(value), TextUtf8);

    public static HttpContent Bytes(byte[] value, string? contentType)
    {
        var content = new ByteArrayContent(value);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    }

    public static Task<HttpResponseMessage> PutTextAsync(this HttpClient client, string key, string value, string? query = null, Action<HttpRequestMessage>? configure = null) =>
        client.SendToAsync(HttpMethod.Put, KeyUri(key, query), Text(value), configure);

    public static Task<HttpResponseMessage> GetKeyAsync(this HttpClient client, string key, Action<HttpRequestMessage>? configure = null) =>
        client.SendToAsync(HttpMethod.Get, KeyUri(key), null, configure);

    public static Task<HttpResponseMessage> DeleteKeyAsync(this HttpClient client, string key, Action<HttpRequestMessage>? configure = null) =>
        client.SendToAsync(HttpMethod.Delete, KeyUri(key), null, configure);

    /// <summary>Sends one request; the request (and its content) is disposed, the response is buffered.</summary>
    public static async Task<HttpResponseMessage> SendToAsync(this HttpClient client, HttpMethod method, Uri uri, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        configure?.Invoke(request);
        return await client.SendAsync(request, Ct);
    }

    /// <summary>Puts a text value that must be accepted; returns its version.</summary>
    public static async Task<long> MustPutAsync(this HttpClient client, string key, string value, string? query = null)
    {
        using var response = await client.PutTextAsync(key, value, query);
        Assert.True(response.IsSuccessStatusCode, $"PUT {key} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return VersionOf(response);
    }

    /// <summary>Reads a text value that must exist.</summary>
    public static async Task<string> MustGetTextAsync(this HttpClient client, string key)
    {
        using var response = await client.GetKeyAsync(key);
        await ProblemAssert.StatusAsync(response, System.Net.HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The version in a response's strong ETag <c>"n"</c>; fails when the ETag is missing or malformed.</summary>
    public static long VersionOf(HttpResponseMessage response)
    {
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak, "The ETag must be strong.");
        Assert.Matches("^\"[0-9]+\"$", etag.Tag);
        return long.Parse(etag.Tag.AsSpan(1, etag.Tag.Length - 2), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static EntityTagHeaderValue ETag(long version) => new("\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"");

    /// <summary>
    /// Lists every key (up to the largest page) with an explicit limit, so checks that merely
    /// look at a bucket's content do not depend on the default page size.
    /// </summary>
    public static Task<KeyListResponse> ListAllAsync(this HttpClient client, string? prefix = null) =>
        client.ListAsync("limit=" + BucketsApiFactory.MaxListLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + (prefix is null ? "" : "&prefix=" + Uri.EscapeDataString(prefix)));

    /// <summary>Lists keys with exactly the given query, which must succeed.</summary>
    public static async Task<KeyListResponse> ListAsync(this HttpClient client, string query)
    {
        using var response = await client.GetAsync(Relative("/v1/keys" + (query.Length > 0 ? "?" + query : "")), Ct);
        await ProblemAssert.StatusAsync(response, System.Net.HttpStatusCode.OK);
        var page = await response.Content.ReadFromJsonAsync<KeyListResponse>(Ct);
        Assert.NotNull(page);
        return page;
    }
}
