namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Sends <c>/internal</c>, <c>/admin</c> and <c>/metrics</c> to the internal listener, the rest to the
/// public one, so a test names the path and not the port (tests of the split use raw clients).
/// </summary>
public sealed class SurfaceRouter(Uri internalAddress) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && IsInternalPath(uri.AbsolutePath))
        {
            request.RequestUri = new UriBuilder(uri) { Port = internalAddress.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool IsInternalPath(string path) =>
        path.StartsWith("/internal/", StringComparison.Ordinal) || path.StartsWith("/admin/", StringComparison.Ordinal) || path == "/metrics";
}
