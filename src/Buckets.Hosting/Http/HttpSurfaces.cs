using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Hosting.Http;

/// <summary>
/// The program's listeners: the public <c>Urls</c> and, when <see cref="HttpSurfaceOptions.InternalUrls"/>
/// is set, internal ones that alone serve endpoints marked with <c>InternalSurfaceAttribute</c>, so a
/// Service or NetworkPolicy can expose the public port without the cluster's own surfaces; and the
/// non-HTTP listeners (<see cref="ICodeListener"/>) beside them.
/// </summary>
public sealed class HttpSurfaces
{
    // Kestrel's own default when no URL is configured.
    private const string DefaultPublicUrl = "http://localhost:5000";

    private readonly List<ListenOptions> _internal = [];
    private int[]? _internalPorts;

    /// <summary>True when internal endpoints have listeners of their own.</summary>
    public bool Separated => _internal.Count > 0;

    /// <summary>True when the request came in on an internal listener.</summary>
    public bool IsInternal(HttpContext context) => IsInternalPort(context.Connection.LocalPort);

    /// <summary>True when <paramref name="port"/> is bound by an internal listener.</summary>
    public bool IsInternalPort(int port)
    {
        // Kestrel writes the bound port back into each ListenOptions (port 0 included) when it binds,
        // before the first request, so the ports are read once, lazily.
        var ports = _internalPorts ??= [.. _internal.Select(l => l.IPEndPoint?.Port ?? -1)];
        return ports.Contains(port);
    }

    /// <summary>Registers the surfaces, the body reader and the connection limits of <see cref="HttpSurfaceOptions"/>.</summary>
    public static IHostApplicationBuilder AddTo(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HttpSurfaceOptions>().BindConfiguration(HttpSurfaceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var surfaces = new HttpSurfaces();
        services.AddSingleton(surfaces);
        services.AddSingleton<BodyReader>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpSurfaceOptions>, IConfiguration>((kestrel, options, configuration) =>
        {
            kestrel.Limits.MaxConcurrentConnections = options.Value.MaxConnections;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(options.Value.MinRequestBodyBytesPerSecond, options.Value.MinRequestBodyGracePeriod);
            var listeners = kestrel.ApplicationServices?.GetServices<ICodeListener>().Where(l => l.IsEnabled).ToList() ?? [];
            if (string.IsNullOrWhiteSpace(options.Value.InternalUrls) && listeners.Count == 0)
            {
                return;
            }

            // Listening in code replaces Urls (Kestrel says it overrides them), so the public URLs are
            // bound here too, read as the host finally sees them (--urls, ASPNETCORE_URLS, Urls).
            var publicUrls = configuration[WebHostDefaults.ServerUrlsKey];
            foreach (var url in Split(string.IsNullOrWhiteSpace(publicUrls) ? DefaultPublicUrl : publicUrls))
            {
                Listen(kestrel, url, _ => { });
            }

            foreach (var url in Split(options.Value.InternalUrls ?? ""))
            {
                Listen(kestrel, url, surfaces._internal.Add);
            }

            foreach (var listener in listeners)
            {
                listener.Listen(kestrel);
            }
        });
        return builder;
    }

    private static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        // Kestrel's wildcard hosts are not host names to Uri.
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new OptionsValidationException(HttpSurfaceOptions.SectionName, typeof(HttpSurfaceOptions),
                [$"'{url}' is not an http URL such as http://127.0.0.1:5082 (TLS for HTTP ends in front of Buckets)."]);
        }

        if (uri.IsLoopback && uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(uri.Port, configure);
        }
    }
}
