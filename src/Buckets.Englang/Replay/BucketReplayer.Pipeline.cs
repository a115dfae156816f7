using System.Collections.Concurrent;

namespace Buckets.Englang;

/// <summary>
/// Large inputs are parsed on a second thread while this one applies: parsing and applying each take
/// about half of a replay (profile of 1,000,000 changes), so a restore on two cores takes about half
/// as long. Results, errors and where a replay stops are the same as reading line by line.
/// </summary>
public sealed partial class BucketReplayer
{
    /// <summary>Inputs of at least this many bytes are parsed ahead on another thread; smaller ones are not worth the hand-off.</summary>
    internal const long PipelineThresholdBytes = 4L * 1024 * 1024;

    private const int PipelineBatchRecords = 1024;
    private const int PipelineBatchesAhead = 4;

    private static bool ShouldPipeline(EnglangReader reader) =>
        Environment.ProcessorCount > 1 && reader.RemainingBytes >= PipelineThresholdBytes;

    private static EnglangError? ReplayPipelined(BucketReplayer replayer, EnglangReader reader)
    {
        using var batches = new BlockingCollection<ParsedBatch>(PipelineBatchesAhead);
        using var stop = new CancellationTokenSource();
        var parsing = Task.Run(() => ParseAhead(reader, batches, stop.Token), CancellationToken.None);
        EnglangError? failure = null;
        var stopped = false;
        try
        {
            foreach (var batch in batches.GetConsumingEnumerable())
            {
                using (batch)
                {
                    for (var i = 0; i < batch.Count && failure is null && !stopped; i++)
                    {
                        var item = batch[i];
                        if (!replayer.Apply(item.Record, batch.LineOf(i)))
                        {
                            failure = replayer.Error is { } error ? new EnglangError(reader.FileName, item.LineNumber, error) : null;
                            stopped = replayer.IsStopped;
                        }
                    }
                }

                if (failure is not null || stopped)
                {
                    break;
                }
            }
        }
        finally
        {
            // The reader is the caller's to dispose: the parsing thread must be done with it first.
            stop.Cancel();
            while (batches.TryTake(out var unread))
            {
                unread.Dispose();
            }

            parsing.GetAwaiter().GetResult();
        }

        if (failure is not null || stopped)
        {
            return failure;
        }

        if (reader.Errors.Count > 0)
        {
            return reader.Errors[0];
        }

        return replayer.Complete() ? null : new EnglangError(reader.FileName, reader.LineCount, replayer.Error!);
    }

    /// <summary>Parses until the end, the first bad line (the replay fails there, as line by line), or <paramref name="stop"/>.</summary>
    private static void ParseAhead(EnglangReader reader, BlockingCollection<ParsedBatch> batches, CancellationToken stop)
    {
        var batch = new ParsedBatch(PipelineBatchRecords);
        try
        {
            while (!stop.IsCancellationRequested && reader.TryRead(out var item) && reader.Errors.Count == 0)
            {
                // Only snapshot lines are checked against their raw bytes (the snapshot's digest).
                batch.Add(item, item.Record is SnapshotHeaderRecord or SnapshotEntryRecord ? reader.CurrentLine : default);
                if (batch.IsFull)
                {
                    batches.Add(batch, stop);
                    batch = new ParsedBatch(PipelineBatchRecords);
                }
            }

            if (batch.Count > 0)
            {
                batches.Add(batch, stop);
                batch = null;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            batch?.Dispose();
            batches.CompleteAdding();
        }
    }
}
