namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>One Dockerfile instruction, continuation lines joined.</summary>
/// <param name="Keyword">Upper-cased instruction, e.g. COPY.</param>
/// <param name="Arguments">Everything after the keyword.</param>
/// <param name="Line">1-based line the instruction starts on.</param>
/// <param name="Stage">0-based index of the FROM stage it belongs to (FROM itself starts its stage).</param>
public sealed record DockerInstruction(string Keyword, string Arguments, int Line, int Stage);
