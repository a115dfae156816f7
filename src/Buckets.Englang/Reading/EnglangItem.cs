namespace Buckets.Englang;

/// <summary>One good record read from a file, with where it was.</summary>
/// <param name="LineNumber">The 1-based line number.</param>
/// <param name="ByteOffset">The byte offset of the start of the line.</param>
/// <param name="Record">The record.</param>
public readonly record struct EnglangItem(long LineNumber, long ByteOffset, EnglangRecord Record);
