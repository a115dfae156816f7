namespace Buckets.Hosting.Security;

/// <summary>
/// The bearer token silos and the backup server show each other on <c>/internal</c>:
/// <c>Buckets:Security:InternalToken</c>, a secret of its own so a backup server needs no other
/// (checked at start-up by <see cref="SecurityOptionsValidator"/>).
/// </summary>
public sealed class InternalToken
{
    private readonly SharedSecret _secret;

    /// <exception cref="ArgumentException">The token is empty.</exception>
    public InternalToken(string token) => _secret = new SharedSecret(token);

    /// <summary>The token to present.</summary>
    public string Value => _secret.Value;

    /// <summary>True when <paramref name="presented"/> (a bearer token) is this token; constant time.</summary>
    public bool Matches(ReadOnlySpan<char> presented) => _secret.Matches(presented);
}
