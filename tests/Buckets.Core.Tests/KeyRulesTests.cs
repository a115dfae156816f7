
namespace Buckets.Core.Tests;

public sealed class KeyRulesTests
{
    [Theory]
    [InlineData("cart")]
    [InlineData("users/42/name")]
    [InlineData("ключ 🔑")]
    public void ValidKeysPass(string key) => Assert.Null(KeyRules.Validate(key, 512));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a\nb", "control character")]
    [InlineData("\u0001", "control character")]
    public void InvalidKeysAreNamed(string key, string expected) =>
        Assert.Contains(expected, KeyRules.Validate(key, 512), StringComparison.Ordinal);

    [Fact]
    public void UnpairedSurrogateIsRefused() =>
        Assert.Contains("surrogate", KeyRules.Validate(new string([(char)0xD800, 'a']), 512), StringComparison.Ordinal);

    [Fact]
    public void KeyLengthCountsUtf8BytesNotCharacters()
    {
        var key = new string('é', 257);

        Assert.Contains("514 UTF-8 bytes", KeyRules.Validate(key, 512), StringComparison.Ordinal);
        Assert.Null(KeyRules.Validate(new string('é', 256), 512));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void TtlOutsideRangeIsRefused(long ttl) => Assert.NotNull(KeyRules.ValidateTtl(ttl, 100));
}
