namespace Buckets.Cli.Commands;

/// <summary>HTTP calls to a silo's admin endpoints.</summary>
internal static class AdminHttp
{
    public static HttpClient Create(Uri server, string adminToken)
    {
        if (string.IsNullOrEmpty(adminToken))
        {
            throw new InvalidOperationException("An admin token is needed: pass --admin-token or set BUCKETS_ADMIN_TOKEN.");
        }

        var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
        return http;
    }

    /// <summary>Prints the body; returns 0 on success and 1 (with the problem on stderr) otherwise.</summary>
    public static async Task<int> PrintAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            Console.WriteLine(body);
            return 0;
        }

        Console.Error.WriteLine($"error: {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        return 1;
    }
}
