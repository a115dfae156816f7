using System.Net;
using System.Security.Cryptography.X509Certificates;
using Buckets.Hosting.Http;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Resp;

/// <summary>Binds the RESP port (<see cref="RespOptions.Port"/>, 0 = off) as a Kestrel endpoint served by <see cref="RespConnectionHandler"/>, with TLS when a certificate is set.</summary>
public sealed class RespListener(IOptions<RespOptions> options, ILogger<RespListener> logger) : ICodeListener
{
    public bool IsEnabled => options.Value.Port != 0;

    public void Listen(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var settings = options.Value;
        var tls = !string.IsNullOrWhiteSpace(settings.TlsCertificatePath);
        void Configure(ListenOptions listen)
        {
            if (tls)
            {
                listen.UseHttps(X509Certificate2.CreateFromPemFile(settings.TlsCertificatePath!, settings.TlsKeyPath));
            }

            listen.UseConnectionHandler<RespConnectionHandler>();
        }

        if (settings.Address.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(settings.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(settings.Address), settings.Port, Configure);
        }

        RespLog.Listening(logger, settings.Address, settings.Port, tls);
    }
}
