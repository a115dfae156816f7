namespace Buckets.Englang;

/// <summary>Whole replays over records, files or streams.</summary>
public sealed partial class BucketReplayer
{
    /// <summary>The file name used in errors when replaying records given directly; lines count records from 1.</summary>
    public const string RecordsSource = "(records)";

    /// <summary>Replays records given in order.</summary>
    public static ReplayResult Replay(IEnumerable<EnglangRecord> records, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var replayer = new BucketReplayer(options);
        long number = 0;
        foreach (var record in records)
        {
            number++;
            if (!replayer.Apply(record) && (replayer.IsStopped || replayer.Error is not null))
            {
                break;
            }
        }

        replayer.Complete();
        IReadOnlyList<EnglangError> errors = replayer.Error is { } error ? [new EnglangError(RecordsSource, number, error)] : [];
        return new ReplayResult(replayer.GetState(), errors, []);
    }

    /// <summary>Replays files of one bucket in order; corrupt lines fail the replay, torn tails are skipped and reported.</summary>
    public static ReplayResult ReplayFiles(IEnumerable<string> paths, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Replay(paths.Select(path => new Func<EnglangReader>(() => EnglangReader.OpenFile(path))), options);
    }

    /// <summary>Replays streams of one bucket in order (read from their current position, left open).</summary>
    public static ReplayResult Replay(IEnumerable<(string Name, Stream Content)> files, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Replay(files.Select(file => new Func<EnglangReader>(() => new EnglangReader(file.Content, file.Name, leaveOpen: true))), options);
    }

    private static ReplayResult Replay(IEnumerable<Func<EnglangReader>> openers, ReplayOptions options)
    {
        using var replayer = new BucketReplayer(options);
        var tornTails = new List<EnglangTornTail>();
        EnglangError? failure = null;
        foreach (var open in openers)
        {
            using var reader = open();
            failure = ReplayOne(replayer, reader);
            if (reader.TornTail is { } torn)
            {
                tornTails.Add(torn);
            }

            if (failure is not null || replayer.IsStopped)
            {
                break;
            }
        }

        IReadOnlyList<EnglangError> errors = failure is null ? [] : [failure];
        return new ReplayResult(replayer.GetState(), errors, tornTails);
    }

    private static EnglangError? ReplayOne(BucketReplayer replayer, EnglangReader reader)
    {
        while (reader.TryReadEvent(out var at, out var bucketId, out var parsed))
        {
            if (reader.Errors.Count > 0)
            {
                return reader.Errors[0];
            }

            if (!replayer.Apply(at, bucketId, parsed, reader.CurrentLine))
            {
                if (replayer.Error is { } error)
                {
                    return new EnglangError(reader.FileName, reader.LineCount, error);
                }

                if (replayer.IsStopped)
                {
                    return null;
                }
            }
        }

        if (reader.Errors.Count > 0)
        {
            return reader.Errors[0];
        }

        return replayer.Complete() ? null : new EnglangError(reader.FileName, reader.LineCount, replayer.Error!);
    }
}
