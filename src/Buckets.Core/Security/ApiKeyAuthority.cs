using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Buckets.Core.Security;

/// <summary>
/// Mints and checks API keys <c>id.kid.serial.mac</c>: the bucket id, the id of the signing secret,
/// the key's serial number (see <see cref="RevocationList"/>) and the base64url HMAC-SHA256 of
/// everything before it under a MAC key derived from that signing secret with HKDF. Keys minted
/// before key ids existed, <c>id.mac</c> with the cluster secret's text as the HMAC key, are still
/// accepted as serial 0 of <see cref="LegacyKeyId"/> when a legacy secret is given. Checking needs
/// no lookup and runs in constant time over the MAC. Thread-safe.
/// </summary>
public sealed class ApiKeyAuthority
{
    /// <summary>Longest accepted bucket id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest accepted signing key id.</summary>
    public const int MaxKeyIdLength = 16;

    /// <summary>The key id of the cluster secret, which also checks legacy <c>id.mac</c> keys.</summary>
    public const string LegacyKeyId = "0";

    private const int MacBytes = 32;
    private const int MacChars = 43;
    private const int RandomIdBytes = 10;

    // Up to 10^18 - 1: parses into a long without overflow checks.
    private const int MaxSerialDigits = 18;

    private static readonly byte[] LegacyDomain = "buckets/api-key/v1:"u8.ToArray();
    private static readonly byte[] Domain = "buckets/api-key/v2:"u8.ToArray();
    private const string MacKeyLabel = "buckets/api-key-mac/v2:";

    private readonly Dictionary<string, byte[]> _macKeys;
    private readonly Dictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> _macKeysBySpan;
    private readonly byte[]? _legacyMacKey;

    /// <param name="signingKeys">Every secret a key may be signed with, by key id (decoded secret bytes).</param>
    /// <param name="currentKeyId">The key id <see cref="Mint"/> signs with; must be one of <paramref name="signingKeys"/>.</param>
    /// <param name="legacySecret">The HMAC key legacy <c>id.mac</c> keys were made with (the cluster secret's UTF-8 text), or null to refuse them.</param>
    /// <exception cref="ArgumentException">A key id is malformed or repeated, or the current one is not among them.</exception>
    public ApiKeyAuthority(IEnumerable<SigningKey> signingKeys, string currentKeyId, byte[]? legacySecret = null)
    {
        ArgumentNullException.ThrowIfNull(signingKeys);
        _macKeys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in signingKeys)
        {
            if (!IsValidKeyId(key.Id))
            {
                throw new ArgumentException($"A signing key id is 1 to {MaxKeyIdLength} characters of a-z and 0-9; got '{key.Id}'.", nameof(signingKeys));
            }

            if (!_macKeys.TryAdd(key.Id, DeriveMacKey(key.Secret, key.Id)))
            {
                throw new ArgumentException($"Signing key id '{key.Id}' is given twice.", nameof(signingKeys));
            }
        }

        if (!_macKeys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current signing key '{currentKeyId}' is not among the signing keys.", nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
        _macKeysBySpan = _macKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        _legacyMacKey = legacySecret;
    }

    /// <summary>The key id new keys are signed with.</summary>
    public string CurrentKeyId { get; }

    /// <summary>Creates a new random bucket id: 20 lowercase hex characters.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomIdBytes));

    /// <summary>True when <paramref name="id"/> may name a bucket: 1..64 of a-z, 0-9, '-' and '_'.</summary>
    public static bool IsValidId(ReadOnlySpan<char> id) => IsToken(id, MaxIdLength, allowPunctuation: true);

    /// <summary>True when <paramref name="kid"/> may name a signing key: 1..16 of a-z and 0-9.</summary>
    public static bool IsValidKeyId(ReadOnlySpan<char> kid) => IsToken(kid, MaxKeyIdLength, allowPunctuation: false);

    /// <summary>
    /// The MAC key of <paramref name="kid"/>: HKDF-SHA256 of the signing secret with the key id in
    /// the info, so each key id, and each use of a secret, gets an independent key.
    /// </summary>
    public static byte[] DeriveMacKey(byte[] signingSecret, string kid) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, signingSecret, MacBytes, salt: [], info: Encoding.ASCII.GetBytes(MacKeyLabel + kid));

    /// <summary>Returns the API key of bucket <paramref name="id"/> with <paramref name="serial"/>, signed with <see cref="CurrentKeyId"/>.</summary>
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The serial is negative or longer than 18 digits.</exception>
    public string Mint(string id, long serial)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("A key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.", nameof(id));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serial, 1_000_000_000_000_000_000L);
        var signed = string.Create(CultureInfo.InvariantCulture, $"{id}.{CurrentKeyId}.{serial}");
        Span<byte> mac = stackalloc byte[MacBytes];
        ComputeMac(_macKeys[CurrentKeyId], Domain, signed, mac);
        return signed + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>Checks the signature of <paramref name="apiKey"/> (not its revocation); on success returns what it names.</summary>
    public bool TryValidate(ReadOnlySpan<char> apiKey, out ApiKeyClaims claims)
    {
        claims = default;
        var macStart = apiKey.LastIndexOf('.') + 1;
        if (macStart <= 1 || apiKey.Length - macStart != MacChars)
        {
            return false;
        }

        var signed = apiKey[..(macStart - 1)];
        Span<byte> presented = stackalloc byte[MacBytes];
        if (Base64Url.DecodeFromChars(apiKey[macStart..], presented, out _, out var written) != OperationStatus.Done || written != MacBytes)
        {
            return false;
        }

        var idEnd = signed.IndexOf('.');
        return idEnd < 0 ? TryValidateLegacy(signed, presented, out claims) : TryValidateSigned(signed, idEnd, presented, out claims);
    }

    private bool TryValidateSigned(ReadOnlySpan<char> signed, int idEnd, ReadOnlySpan<byte> presented, out ApiKeyClaims claims)
    {
        claims = default;
        var id = signed[..idEnd];
        var rest = signed[(idEnd + 1)..];
        var kidEnd = rest.IndexOf('.');
        if (kidEnd < 0 || !IsValidId(id))
        {
            return false;
        }

        var kid = rest[..kidEnd];
        var serialText = rest[(kidEnd + 1)..];
        if (!TryParseSerial(serialText, out var serial) || !_macKeysBySpan.TryGetValue(kid, out var kidName, out var macKey))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        ComputeMac(macKey, Domain, signed, expected);
        if (!CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return false;
        }

        claims = new ApiKeyClaims(id.ToString(), kidName, serial, Legacy: false);
        return true;
    }

    private bool TryValidateLegacy(ReadOnlySpan<char> id, ReadOnlySpan<byte> presented, out ApiKeyClaims claims)
    {
        claims = default;
        if (_legacyMacKey is null || !IsValidId(id))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        ComputeMac(_legacyMacKey, LegacyDomain, id, expected);
        if (!CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return false;
        }

        claims = new ApiKeyClaims(id.ToString(), LegacyKeyId, Serial: 0, Legacy: true);
        return true;
    }

    private static bool TryParseSerial(ReadOnlySpan<char> text, out long serial)
    {
        serial = 0;
        // One spelling per serial: no sign, no leading zeros, so a MAC covers exactly one key.
        if (text.IsEmpty || text.Length > MaxSerialDigits || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            serial = (serial * 10) + (c - '0');
        }

        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> text, int maxLength, bool allowPunctuation)
    {
        if (text.IsEmpty || text.Length > maxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (allowPunctuation && (c == '-' || c == '_'))))
            {
                return false;
            }
        }

        return true;
    }

    private static void ComputeMac(byte[] key, byte[] domain, ReadOnlySpan<char> signed, Span<byte> destination)
    {
        // Callers have checked every character is ASCII and the parts' lengths, so this always fits.
        Span<byte> message = stackalloc byte[domain.Length + MaxIdLength + MaxKeyIdLength + MaxSerialDigits + 2];
        domain.CopyTo(message);
        var length = domain.Length + Encoding.ASCII.GetBytes(signed, message[domain.Length..]);
        HMACSHA256.HashData(key, message[..length], destination);
    }
}
