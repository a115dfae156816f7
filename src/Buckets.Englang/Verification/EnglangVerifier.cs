namespace Buckets.Englang;

/// <summary>
/// Verifies the files of ONE bucket, given in order (oldest first).
/// <list type="bullet">
/// <item><c>static VerificationReport VerifyFiles(IEnumerable&lt;string&gt; paths)</c></item>
/// <item><c>static VerificationReport Verify(IEnumerable&lt;(string Name, Stream Content)&gt; files)</c></item>
/// </list>
/// Checks: every line's checksum and grammar; all records belong to one bucket; change numbers are
/// continuous across files (each is the previous plus one; a snapshot must be as of the last
/// change, and the next change follows it); each snapshot is header, entries, footer within one
/// file, with matching change numbers, entry counts and digest, no duplicate keys, and no entry
/// version after the snapshot's change. Torn last lines are reported apart from the problems.
/// </summary>
public static class EnglangVerifier
{
    /// <summary>Verifies files, in the order given.</summary>
    public static VerificationReport VerifyFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Verify(paths.Select(path => new Func<EnglangReader>(() => EnglangReader.OpenFile(path))));
    }

    /// <summary>Verifies streams (read from their current position, left open), in the order given.</summary>
    public static VerificationReport Verify(IEnumerable<(string Name, Stream Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Verify(files.Select(file => new Func<EnglangReader>(() => new EnglangReader(file.Content, file.Name, leaveOpen: true))));
    }

    private static VerificationReport Verify(IEnumerable<Func<EnglangReader>> openers)
    {
        using var session = new VerificationSession();
        var problems = new List<EnglangError>();
        var tornTails = new List<EnglangTornTail>();
        foreach (var open in openers)
        {
            using var reader = open();
            var before = session.Problems.Count;
            while (reader.TryRead(out var item))
            {
                session.Accept(reader.FileName, item.LineNumber, item.Record, reader.CurrentLine);
            }

            session.EndOfFile(reader.FileName, reader.LineCount);
            problems.AddRange(session.Problems.Skip(before).Concat(reader.Errors).OrderBy(problem => problem.Line));
            if (reader.TornTail is { } torn)
            {
                tornTails.Add(torn);
            }
        }

        return new VerificationReport(problems, tornTails, session.RecordCount, session.BucketId, session.FirstSeq, session.LastSeq);
    }
}
