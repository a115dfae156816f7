using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>
/// Sets that arrive without a grain call (<see cref="DirectWrites"/>). Orleans runs this activation's
/// work one piece at a time, but a call that awaits lets other work run before it ends; the calls it
/// serves are not interleaved, so a direct set runs only while no such call is in progress, and then
/// runs to its end without awaiting. That makes it one turn as a call's would be: ordered with every
/// other change of the bucket, never inside a restore, a policy change or a migration.
/// </summary>
public sealed partial class BucketGrain : IIncomingGrainCallFilter
{
    // Calls started and not yet ended, but for the feed's reads (interleaved with everything by design).
    private int _callsInProgress;
    private long _lastCallTimestamp;
    private bool _listedForWrites;

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        if (context.MethodName == nameof(IBucketGrain.ReadChangesAsync))
        {
            await context.Invoke();
            return;
        }

        _callsInProgress++;
        _lastCallTimestamp = _time.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            _callsInProgress--;
        }
    }

    /// <summary>Queues <paramref name="command"/> on this activation; the task gives its result, or <c>null</c> when it must come as a call.</summary>
    internal Task<WriteResult?> SetDirectly(SetCommand command) => Queue(new DirectSet(this, command));

    /// <summary>Queues the deletion of <paramref name="key"/> on this activation, as <see cref="SetDirectly"/>.</summary>
    internal Task<WriteResult?> DeleteDirectly(string key, long? ifVersion) => Queue(new DirectDelete(this, key, ifVersion));

    private Task<WriteResult?> Queue(DirectWrite write)
    {
        GrainContext.Scheduler.QueueAction(write.Run);
        return write.Task;
    }

    /// <summary>Follows the direct-read listing: a bucket that may be read without a call may also be written without one.</summary>
    private void UpdateDirectWrites(bool listed)
    {
        if (listed != _listedForWrites)
        {
            _directWrites.List(BucketId, this, listed);
            _listedForWrites = listed;
        }
    }

    /// <summary>
    /// Whether a direct write may run now as a call would: listed, no call in progress, none due, and
    /// the bucket already kept alive for unstored changes if the write will give it some. Orleans
    /// deactivated no bucket whose keep-alive was first set outside a call (DirectWritesTests found
    /// it), so the write that starts holding unstored changes is a call; the ones after it, until the
    /// backup stores them, are not.
    /// </summary>
    private bool TakesDirectWrites =>
        _listedForWrites && _callsInProgress == 0 && _time.GetElapsedTime(_lastCallTimestamp) < _directWrites.CallEvery
        && (_heldAlive || !_link.Sends || _map.Journal is null);

    /// <summary>A direct write and its completion; runs on the activation's scheduler.</summary>
    private abstract class DirectWrite(BucketGrain bucket)
        : TaskCompletionSource<WriteResult?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        protected BucketGrain Bucket => bucket;

        public void Run()
        {
            if (!bucket.TakesDirectWrites)
            {
                SetResult(null);
                return;
            }

            try
            {
                var result = Apply();
                if (result.Succeeded)
                {
                    bucket.AfterChange();
                }

                SetResult(result);
            }
            catch (Exception e)
            {
                SetException(e);
            }
        }

        /// <summary>The write itself, as the call's would make it once the bucket serves.</summary>
        protected abstract WriteResult Apply();
    }

    private sealed class DirectSet(BucketGrain bucket, SetCommand command) : DirectWrite(bucket)
    {
        protected override WriteResult Apply()
        {
            Bucket.RequireValidSet(command.Key, command.Value, command.TtlSeconds);
            return Bucket.SetReady(command);
        }
    }

    private sealed class DirectDelete(BucketGrain bucket, string key, long? ifVersion) : DirectWrite(bucket)
    {
        protected override WriteResult Apply()
        {
            Bucket.RequireValidKey(key);
            return Bucket.DeleteReady(key, ifVersion);
        }
    }
}
