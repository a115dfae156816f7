namespace Buckets.Resp.Protocol;

/// <summary>What one connection's <see cref="RespParser"/> may hold.</summary>
/// <param name="MaxInlineBytes">Longest inline command line.</param>
/// <param name="MaxArguments">Most arguments of one command.</param>
/// <param name="MaxBulkBytes">Largest bulk string (the value limit, or the key limit when larger).</param>
/// <param name="MaxCommandBytes">Most bulk bytes of one command together.</param>
public sealed record RespParserLimits(int MaxInlineBytes, int MaxArguments, long MaxBulkBytes, long MaxCommandBytes);
