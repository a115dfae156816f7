using System.Net;
using System.Text;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>Request helpers for <c>POST /v1/batch</c>.</summary>
public static class BatchApi
{
    public static readonly Uri BatchUri = KeysApi.Relative("/v1/batch");

    /// <summary>Posts a raw JSON body (or any content type) to the batch endpoint.</summary>
    public static Task<HttpResponseMessage> PostBatchAsync(this HttpClient client, string json, string contentType = "application/json") =>
        client.SendToAsync(HttpMethod.Post, BatchUri, KeysApi.Bytes(Encoding.UTF8.GetBytes(json), contentType));

    /// <summary>Writes one text entry through a batch, which must be applied.</summary>
    public static async Task BatchSetAsync(this HttpClient client, string key, string value = "v")
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { operations = new[] { new { op = "set", key, value } } });
        using var response = await client.PostBatchAsync(json);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.OK);
    }
}
