using Buckets.Abstractions.Commands;
using Buckets.Core;

namespace Buckets.Grains;

/// <summary>
/// Command lists (<see cref="RunAsync"/>): a RESP pipeline, a MULTI/EXEC transaction, or one of
/// HTTP's atomic operations, run against the map in one turn of the grain.
/// </summary>
public sealed partial class BucketGrain
{
    private static readonly KeyReply OutOfMemoryReply =
        KeyReply.Fail("OOM command not allowed when used memory > 'maxmemory' (this server is above its memory high-water mark, Buckets:Memory; reads and deletes still work)");

    public async ValueTask<KeyReply[]?> RunAsync(IReadOnlyList<KeyCommand> commands, IReadOnlyList<WatchedKey>? watched = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0 || commands.Count > _limits.MaxBatchOperations)
        {
            throw new ArgumentException($"A command list holds 1 to {_limits.MaxBatchOperations} commands.", nameof(commands));
        }

        var refusals = new KeyReply?[commands.Count];
        var writes = false;
        for (var i = 0; i < commands.Count; i++)
        {
            refusals[i] = Refusal(commands[i]);
            writes |= refusals[i] is null && Writes(commands[i].Kind);
        }

        await EnsureReadyAsync();
        if (writes)
        {
            RequireRoomForUnstoredChanges();
        }

        var now = Now;
        if (watched is not null)
        {
            foreach (var key in watched)
            {
                if (_map.Run(new KeyCommand(KeyCommandKind.Version, key.Key), now, null).Number != key.Version)
                {
                    return null;
                }
            }
        }

        var pressure = _memory.IsUnderPressure;
        var before = _map.LastSeq;
        var replies = new KeyReply[commands.Count];
        var defaultExpiry = ExpiryFor(null, now);
        // Direct reads see the whole list applied or none of it, as a call queued behind it would.
        using (_map.Atomically())
        {
            for (var i = 0; i < commands.Count; i++)
            {
                if (refusals[i] is { } refusal)
                {
                    replies[i] = refusal;
                }
                else if (pressure && AddsData(commands[i].Kind))
                {
                    _metrics.MemoryRefusedWrite();
                    replies[i] = OutOfMemoryReply;
                }
                else
                {
                    replies[i] = _map.Run(commands[i], now, defaultExpiry);
                }
            }
        }

        ReportMetrics();
        await AfterWriteAsync(_map.LastSeq != before);
        return replies;
    }

    /// <summary>Why a command cannot run (a key or value outside the limits), or <c>null</c>.</summary>
    private KeyReply? Refusal(KeyCommand command)
    {
        if (command.Kind is not (KeyCommandKind.Clear or KeyCommandKind.Scan or KeyCommandKind.KeysMatching or KeyCommandKind.Count or KeyCommandKind.Keyspace))
        {
            if (command.Keys is { } keys)
            {
                foreach (var key in keys)
                {
                    if (KeyRules.Validate(key, _limits.MaxKeyBytes) is { } error)
                    {
                        return KeyReply.Fail("ERR invalid key: " + error);
                    }
                }

                if (command.Kind == KeyCommandKind.MultiSet && (command.Values is null || command.Values.Count != keys.Count))
                {
                    return KeyReply.Fail("ERR wrong number of arguments for 'mset' command");
                }
            }
            else if (KeyRules.Validate(command.Key, _limits.MaxKeyBytes) is { } error
                || (command.Kind == KeyCommandKind.Rename && KeyRules.Validate(command.Target, _limits.MaxKeyBytes) is { } targetError && (error = targetError) is not null))
            {
                return KeyReply.Fail("ERR invalid key: " + error);
            }
        }

        var tooLarge = command.Value is { } value && value.Length > _limits.MaxValueBytes
            || command.Values is { } values && values.Any(v => v.Length > _limits.MaxValueBytes);
        return tooLarge
            ? KeyReply.Fail($"ERR string exceeds maximum allowed size (Buckets:Limits:MaxValueBytes is {_limits.MaxValueBytes})")
            : null;
    }

    private static bool Writes(KeyCommandKind kind) => kind is not (KeyCommandKind.Get or KeyCommandKind.Exists or KeyCommandKind.TimeToLive
        or KeyCommandKind.ExpireTime or KeyCommandKind.Length or KeyCommandKind.GetRange or KeyCommandKind.MultiGet or KeyCommandKind.Type
        or KeyCommandKind.Scan or KeyCommandKind.KeysMatching or KeyCommandKind.Count or KeyCommandKind.Keyspace or KeyCommandKind.Version);

    /// <summary>Kinds that may grow the bucket, refused under memory pressure; deletes, expiries and renames go on.</summary>
    private static bool AddsData(KeyCommandKind kind) => kind is KeyCommandKind.Set or KeyCommandKind.Increment or KeyCommandKind.IncrementFloat
        or KeyCommandKind.Append or KeyCommandKind.SetRange or KeyCommandKind.MultiSet;
}
