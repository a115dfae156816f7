using System.Threading.Channels;
using Buckets.Abstractions;

namespace Buckets.Core.Feed;

/// <summary>
/// Follows one bucket for one subscriber: pulls pages of changes from the bucket grain (each a long
/// poll, asked again of whichever silo holds the bucket after a move or crash) into a buffer of at
/// most <see cref="ChangeFeedOptions.BufferedEventsPerSubscriber"/> changes that the stream's writer
/// drains. When the writer falls that far behind, the follower stops (<see cref="End"/> is
/// <see cref="FollowEnd.Overflow"/>) and <see cref="Aborted"/> fires, so the subscriber is
/// disconnected and resumes from the last change it got, never buffered without end.
/// </summary>
public sealed class ChangeFollower : IAsyncDisposable
{
    private readonly IBucketGrain _grain;
    private readonly ChangeFeedOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<BucketChange?> _buffer;
    private readonly CancellationTokenSource _stop;
    private readonly Task _pulling;

    /// <summary>Starts following after <paramref name="afterSeq"/>; <paramref name="cancellationToken"/> ends it (the subscriber left).</summary>
    public ChangeFollower(IBucketGrain grain, long afterSeq, ChangeFeedOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        _grain = grain;
        _options = options;
        _time = time;
        _buffer = Channel.CreateBounded<BucketChange?>(new BoundedChannelOptions(options.BufferedEventsPerSubscriber) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pulling = PullAsync(afterSeq, _stop.Token);
    }

    /// <summary>Why following ended, once the buffer is drained; <see cref="FollowEnd.None"/> while it goes on.</summary>
    public FollowEnd End { get; private set; }

    /// <summary>With <see cref="FollowEnd.TooOld"/> the number to resume after; with <see cref="FollowEnd.Ahead"/> the bucket's latest change.</summary>
    public long ResumeAfter { get; private set; }

    /// <summary>Cancelled when the subscriber fell too far behind: a writer blocked on a slow client stops writing.</summary>
    public CancellationToken Aborted => _overflow.Token;

    private readonly CancellationTokenSource _overflow = new();

    /// <summary>
    /// The next change, or <c>null</c> for a heartbeat (nothing changed within the heartbeat
    /// interval); completes empty-handed (<c>false</c>) when following ended (see <see cref="End"/>).
    /// </summary>
    public async ValueTask<(bool More, BucketChange? Change)> NextAsync(CancellationToken cancellationToken)
    {
        if (End == FollowEnd.Overflow)
        {
            return (false, null);
        }

        try
        {
            while (await _buffer.Reader.WaitToReadAsync(cancellationToken))
            {
                if (_buffer.Reader.TryRead(out var change))
                {
                    return End == FollowEnd.Overflow ? (false, null) : (true, change);
                }
            }
        }
        catch (ChannelClosedException)
        {
        }

        return (false, null);
    }

    private async Task PullAsync(long after, CancellationToken cancellationToken)
    {
        var wait = _options.MaxWait < _options.HeartbeatInterval ? _options.MaxWait : _options.HeartbeatInterval;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ChangePage page;
                try
                {
                    page = await _grain.ReadChangesAsync(after, _options.PageChanges, wait);
                }
                catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
                {
                    // The bucket is moving, its silo died, or its backup cannot answer yet: ask again.
                    await Task.Delay(_options.RetryDelay, _time, cancellationToken);
                    continue;
                }

                switch (page.Status)
                {
                    case ChangePageStatus.TooOld:
                        Finish(FollowEnd.TooOld, page.OldestAfter);
                        return;
                    case ChangePageStatus.Ahead:
                        Finish(FollowEnd.Ahead, page.LastSeq);
                        return;
                    case ChangePageStatus.Unavailable:
                        await Task.Delay(_options.RetryDelay, _time, cancellationToken);
                        continue;
                }

                foreach (var change in page.Changes)
                {
                    if (!_buffer.Writer.TryWrite(change))
                    {
                        End = FollowEnd.Overflow;
                        _buffer.Writer.TryComplete();
                        await _overflow.CancelAsync();
                        return;
                    }

                    after = change.Seq;
                }

                if (page.Changes.Count == 0 && page.LastSeq > after)
                {
                    // Changes exist that neither memory nor the backup can give yet (a snapshot on its way): wait a little.
                    await Task.Delay(_options.RetryDelay, _time, cancellationToken);
                }
                else if (page.Changes.Count == 0)
                {
                    // The read waited out a heartbeat interval without a change.
                    _buffer.Writer.TryWrite(null);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _buffer.Writer.TryComplete();
        }
    }

    private void Finish(FollowEnd end, long resumeAfter)
    {
        ResumeAfter = resumeAfter;
        End = end;
        _buffer.Writer.TryComplete();
    }

    /// <summary>Stops following at once; a grain read still waiting ends on its own within <see cref="ChangeFeedOptions.MaxWait"/> and its answer is dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Not awaited: the subscriber's place is freed now, not when the bucket's long poll returns.
        _ = _pulling.ContinueWith(
            static (_, state) =>
            {
                var (stop, overflow) = ((CancellationTokenSource, CancellationTokenSource))state!;
                stop.Dispose();
                overflow.Dispose();
            },
            (_stop, _overflow),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
