namespace Buckets.Abstractions.Commands;

/// <summary>Conditions and reply options of a <see cref="KeyCommand"/> (Redis's NX, XX, GT, LT, GET, KEEPTTL, PERSIST).</summary>
[Flags]
public enum KeyConditions
{
    /// <summary>No condition.</summary>
    None = 0,

    /// <summary>Only when the key (the target of a rename; the expiry of EXPIRE) is absent (NX).</summary>
    IfAbsent = 1,

    /// <summary>Only when the key (its expiry, for EXPIRE) exists (XX).</summary>
    IfPresent = 2,

    /// <summary>Only when the new expiry is later (GT).</summary>
    IfGreater = 4,

    /// <summary>Only when the new expiry is sooner (LT).</summary>
    IfLess = 8,

    /// <summary>Reply with the value the key had (SET ... GET).</summary>
    ReturnOld = 16,

    /// <summary>Keep the key's expiry (KEEPTTL).</summary>
    KeepTtl = 32,

    /// <summary>Remove the key's expiry (GETEX PERSIST).</summary>
    Persist = 64,

    /// <summary>Reply in seconds, not milliseconds (TTL, EXPIRETIME).</summary>
    Seconds = 128,
}
