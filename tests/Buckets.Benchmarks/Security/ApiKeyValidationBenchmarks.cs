using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Buckets.Core.Security;

namespace Buckets.Benchmarks.Security;

/// <summary>
/// <see cref="ApiKeyAuthority.TryValidate"/>, run on every <c>/v1</c> request before any grain:
/// a valid key (one HMAC-SHA256 plus the id string), a forged one (same work, refused), a legacy
/// <c>id.mac</c> key, and a malformed one (refused before any hashing).
/// </summary>
[MemoryDiagnoser]
public class ApiKeyValidationBenchmarks
{
    private static readonly string ClusterSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private readonly ApiKeyAuthority _authority = new(
        [new SigningKey(ApiKeyAuthority.LegacyKeyId, Convert.FromHexString(ClusterSecret))],
        ApiKeyAuthority.LegacyKeyId,
        Encoding.UTF8.GetBytes(ClusterSecret));

    private string _legacy = "";
    private string _valid = "";
    private string _forged = "";

    [GlobalSetup]
    public void Setup()
    {
        _valid = _authority.Mint("3f9c2e1b7a4d5e6f8091", serial: 0);
        var legacyMac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ClusterSecret), Encoding.ASCII.GetBytes("buckets/api-key/v1:3f9c2e1b7a4d5e6f8091"));
        _legacy = "3f9c2e1b7a4d5e6f8091." + System.Buffers.Text.Base64Url.EncodeToString(legacyMac);
        var last = _valid[^2] == 'A' ? 'B' : 'A';
        _forged = _valid[..^2] + last + _valid[^1];
    }

    [Benchmark(Baseline = true)]
    public bool Valid() => _authority.TryValidate(_valid, out _);

    [Benchmark]
    public bool Forged() => _authority.TryValidate(_forged, out _);

    [Benchmark]
    public bool Legacy() => _authority.TryValidate(_legacy, out _);

    [Benchmark]
    public bool Malformed() => _authority.TryValidate("not-a-key", out _);
}
