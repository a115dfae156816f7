using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Console;

/// <summary>
/// Signed-in console sessions: a random id in an HttpOnly, SameSite=Strict cookie scoped to
/// <c>/console</c>, never the admin token itself, so the token is typed once and kept nowhere in the
/// browser. Held in memory: a restart signs everyone out. Thread-safe.
/// </summary>
public sealed class ConsoleSessions(TimeProvider time, IOptions<ConsoleOptions> options)
{
    public const string CookieName = "buckets-console";
    public const string CookiePath = "/console";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUse = new(StringComparer.Ordinal);

    /// <summary>Starts a session and sets its cookie.</summary>
    public void SignIn(HttpContext http)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        while (_lastUse.Count >= options.Value.MaxSessions && _lastUse.MinBy(s => s.Value) is { Key: { } oldest })
        {
            _lastUse.TryRemove(oldest, out _);
        }

        _lastUse[id] = time.GetUtcNow();
        http.Response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = CookiePath,
            IsEssential = true,
        });
    }

    /// <summary>True when the request carries a live session (and keeps it alive).</summary>
    public bool IsSignedIn(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } id || !_lastUse.TryGetValue(id, out var lastUse))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now - lastUse > options.Value.SessionIdleTimeout)
        {
            _lastUse.TryRemove(id, out _);
            return false;
        }

        _lastUse[id] = now;
        return true;
    }

    /// <summary>Ends the request's session and clears its cookie.</summary>
    public void SignOut(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is { } id)
        {
            _lastUse.TryRemove(id, out _);
        }

        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = CookiePath });
    }
}
