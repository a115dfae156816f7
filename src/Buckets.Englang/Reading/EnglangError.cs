namespace Buckets.Englang;

/// <summary>A problem found in an Englang file: which file, which 1-based line, and what was wrong or expected.</summary>
/// <param name="File">The file (or stream) name given to the reader.</param>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Message">What was wrong, or what was expected.</param>
public sealed record EnglangError(string File, long Line, string Message)
{
    /// <summary>Formats as <c>file:line: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}: {Message}";
}
