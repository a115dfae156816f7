using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Buckets.Hosting.Http;

/// <summary>
/// A listener beside HTTP that a program binds in code (the Redis protocol). Kestrel's listeners in
/// code replace <c>Urls</c>, so <see cref="HttpSurfaces"/> binds the HTTP listeners in code too
/// whenever one of these is enabled.
/// </summary>
public interface ICodeListener
{
    /// <summary>False when its settings turn it off; it is then not bound.</summary>
    bool IsEnabled { get; }

    /// <summary>Binds the listener.</summary>
    void Listen(KestrelServerOptions kestrel);
}
