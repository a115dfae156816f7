using System.Text;
using System.Text.Json;
using Buckets.Abstractions;
using Buckets.Contracts.Http;
using Buckets.Core;

namespace Buckets.Server.Endpoints;

/// <summary>Validates one batch operation from JSON and turns it into the grain contract.</summary>
internal static class BatchOperationParser
{
    /// <summary>Returns why the operation is invalid, or <c>null</c> with <paramref name="operation"/> set.</summary>
    public static string? TryConvert(BatchRequestOperation source, LimitsOptions limits, out BatchOperation? operation)
    {
        operation = null;
        if (KeyRules.Validate(source.Key, limits.MaxKeyBytes) is { } keyError)
        {
            return keyError;
        }

        switch (source.Op?.ToLowerInvariant())
        {
            case "delete":
                if (source.Value is not null || source.ValueBase64 is not null || source.Ttl is not null || source.IfNotExists)
                {
                    return "a delete takes only 'key' and 'ifVersion'.";
                }

                operation = new BatchOperation(BatchOperationKind.Delete, source.Key!, IfVersion: source.IfVersion);
                return null;
            case "set":
                if ((source.Value is null) == (source.ValueBase64 is null))
                {
                    return "a set takes exactly one of 'value' (text) and 'valueBase64' (bytes).";
                }

                if (source.Ttl is { } ttl && KeyRules.ValidateTtl(ttl, limits.MaxTtlSeconds) is { } ttlError)
                {
                    return ttlError;
                }

                var value = source.Value is not null ? Encoding.UTF8.GetBytes(source.Value) : DecodeBase64(source.ValueBase64!);
                if (value is null)
                {
                    return "'valueBase64' is not valid base64.";
                }

                if (value.Length > limits.MaxValueBytes)
                {
                    return $"the value is {value.Length} bytes; the limit is {limits.MaxValueBytes}.";
                }

                operation = new BatchOperation(BatchOperationKind.Set, source.Key!, value, source.Ttl, source.IfVersion, source.IfNotExists);
                return null;
            default:
                return "'op' must be 'set' or 'delete'.";
        }
    }

    private static byte[]? DecodeBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Counts the items of the top-level <c>operations</c> array, stopping once past
    /// <paramref name="stopAfter"/>, so a body of a million empty objects is refused before a million
    /// records are built. Malformed JSON counts 0 and is left to the deserializer to describe.
    /// </summary>
    public static int CountOperations(ReadOnlySpan<byte> json, int stopAfter)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader is not { TokenType: JsonTokenType.PropertyName, CurrentDepth: 1 }
                    || !string.Equals(reader.GetString(), nameof(BatchRequest.Operations), StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return 0;
                }

                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray && count <= stopAfter)
                {
                    count++;
                    reader.Skip();
                }

                return count;
            }
        }
        catch (JsonException)
        {
        }

        return 0;
    }
}
