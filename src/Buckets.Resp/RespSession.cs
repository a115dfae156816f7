using System.Buffers;
using System.Net;
using System.Text;
using Buckets.Abstractions;
using Buckets.Abstractions.Commands;
using Buckets.Resp.Commands;
using Buckets.Resp.Protocol;

namespace Buckets.Resp;

/// <summary>
/// The state of one RESP connection (its bucket once authenticated, protocol version, name, MULTI
/// queue, watched keys) and the order its commands run in: consecutive key commands wait in a run
/// that goes to the bucket as one grain call, and any other command first sends the run, so replies
/// and effects keep the order the client sent. Not thread-safe: one connection's commands run in turn.
/// </summary>
internal sealed partial class RespSession(RespServer server, long id, IPEndPoint? remote)
{
    private readonly List<KeyCommandTranslation> _run = [];
    private IBucketGrain? _bucket;
    private string? _bucketId;
    private string? _apiKey;
    private int _protocol = 2;
    private string? _name;

    /// <summary>True once QUIT was answered: the connection closes after its replies are written.</summary>
    public bool Closing { get; private set; }

    private bool Authenticated => _bucket is not null;

    /// <summary>Runs <paramref name="commands"/> in order, writing one reply each to <paramref name="output"/>.</summary>
    public async ValueTask RunAsync(IReadOnlyList<byte[][]> commands, IBufferWriter<byte> output)
    {
        foreach (var args in commands)
        {
            if (Closing)
            {
                break;
            }

            var name = Encoding.Latin1.GetString(args[0]);
            if (Authenticated && _multi is null && !InSubscribedMode && KeyCommands.TryTranslate(name, args, server.Options, out var translation))
            {
                _run.Add(translation);
                if (_run.Count >= server.MaxRun)
                {
                    await SendRunAsync(output);
                }

                continue;
            }

            await SendRunAsync(output);
            await RunOneAsync(name.ToUpperInvariant(), args, output);
        }

        await SendRunAsync(output);
    }

    /// <summary>Sends the waiting key commands to the bucket in one call and writes their replies in order.</summary>
    private async ValueTask SendRunAsync(IBufferWriter<byte> output)
    {
        if (_run.Count == 0)
        {
            return;
        }

        var commands = new List<KeyCommand>(_run.Count);
        foreach (var translation in _run)
        {
            if (translation.Command is { } command)
            {
                commands.Add(command);
            }
        }

        var (replies, failure) = commands.Count > 0 ? await CallAsync(commands, null) : (null, null);
        var next = 0;
        foreach (var translation in _run)
        {
            var reply = translation.Command is null ? translation.Immediate! : failure ?? replies![next++];
            RespWriter.Reply(output, Shape(reply, translation.Shape), _protocol);
        }

        _run.Clear();
    }

    /// <summary>
    /// One grain call. A failure becomes one error reply for every command of the call: TRYAGAIN when
    /// the bucket said it cannot serve or could not confirm a write (a critical bucket whose backup
    /// did not store it), ERR otherwise; its text says whether writes may have applied.
    /// </summary>
    private async ValueTask<(KeyReply[]? Replies, KeyReply? Failure)> CallAsync(IReadOnlyList<KeyCommand> commands, IReadOnlyList<WatchedKey>? watched)
    {
        // Checked again on every grain call (a few hundred ns), so a revoked key stops working on
        // connections it opened as soon as HTTP refuses it, not when they reconnect.
        if (!server.ApiKeys.TryValidate(_apiKey, out var bucketId) || bucketId != _bucketId)
        {
            // Not Reset: the waiting run still needs its replies (each gets this error).
            _bucket = null;
            _bucketId = null;
            _apiKey = null;
            _watched = null;
            return (null, KeyReply.Fail("NOAUTH the API key of this connection is no longer valid (revoked); AUTH again."));
        }

        if (watched is null && ReadDirectly(commands) is { } direct)
        {
            return (direct, null);
        }

        try
        {
            return (await _bucket!.RunAsync(commands, watched), null);
        }
        catch (BucketUnavailableException e)
        {
            return (null, KeyReply.Fail($"TRYAGAIN {e.Message} (retry after {e.RetryAfterSeconds} s)"));
        }
        catch (ArgumentException e)
        {
            return (null, KeyReply.Fail("ERR " + e.Message));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
        {
            RespLog.BucketCallFailed(server.Logger, _bucketId!, e);
            return (null, KeyReply.Fail("ERR the bucket did not answer; writes among these commands may or may not have applied: read them back before retrying"));
        }
    }

    /// <summary>
    /// The replies of a run of GETs read straight from the bucket's map when it is active on this silo
    /// (<see cref="Core.DirectReads"/>), as a pipeline of GETs is not atomic; <c>null</c> when the bucket must answer.
    /// </summary>
    private KeyReply[]? ReadDirectly(IReadOnlyList<KeyCommand> commands)
    {
        foreach (var command in commands)
        {
            if (command.Kind != KeyCommandKind.Get || Core.KeyRules.Validate(command.Key, server.MaxKeyBytes) is not null)
            {
                return null;
            }
        }

        var replies = new KeyReply[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            if (!server.DirectReads.TryRead(_bucketId!, commands[i].Key, out var value))
            {
                return null;
            }

            replies[i] = KeyReply.Of(value?.Value);
        }

        return replies;
    }

    private static KeyReply Shape(KeyReply reply, ReplyShape shape) => shape switch
    {
        ReplyShape.OkAsOne when reply.Kind == KeyReplyKind.Ok => KeyReply.One,
        ReplyShape.OkAsOne when reply.Kind == KeyReplyKind.Null => KeyReply.Zero,
        _ => reply,
    };

    private async ValueTask RunOneAsync(string name, byte[][] args, IBufferWriter<byte> output)
    {
        if (!Authenticated && name is not ("AUTH" or "HELLO" or "PING" or "QUIT" or "RESET"))
        {
            RespWriter.Error(output, "NOAUTH Authentication required.");
            return;
        }

        if (InSubscribedMode && !AllowedWhileSubscribed(name))
        {
            RespWriter.Error(output, $"ERR Can't execute '{name.ToLowerInvariant()}': only (P)SUBSCRIBE / (P)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }

        if (_multi is not null && name is not ("EXEC" or "DISCARD" or "MULTI" or "WATCH" or "QUIT" or "RESET"))
        {
            Queue(name, args, output);
            return;
        }

        switch (name)
        {
            case "AUTH":
                Auth(args, output);
                break;
            case "HELLO":
                Hello(args, output);
                break;
            case "MULTI":
                Multi(args, output);
                break;
            case "EXEC":
                await ExecAsync(args, output);
                break;
            case "DISCARD":
                Discard(args, output);
                break;
            case "WATCH":
                await WatchAsync(args, output);
                break;
            case "UNWATCH":
                _watched = null;
                RespWriter.Ok(output);
                break;
            case "INFO":
                await InfoAsync(args, output);
                break;
            case "SUBSCRIBE" or "PSUBSCRIBE":
                await SubscribeAsync(args, name == "PSUBSCRIBE", output);
                break;
            case "UNSUBSCRIBE" or "PUNSUBSCRIBE":
                Unsubscribe(args, name == "PUNSUBSCRIBE", output);
                break;
            default:
                Connection(name, args, output);
                break;
        }
    }

    private void Auth(byte[][] args, IBufferWriter<byte> output)
    {
        if (args.Length is not (2 or 3))
        {
            WrongArity(output, "auth");
            return;
        }

        if (Authenticate(args[^1]) is { } error)
        {
            RespWriter.Error(output, error);
            return;
        }

        RespWriter.Ok(output);
    }

    /// <summary>Opens the bucket of <paramref name="apiKey"/>; the error line when it is refused.</summary>
    private string? Authenticate(byte[] apiKey)
    {
        var address = remote?.Address;
        if (server.Failures.IsBlocked(address))
        {
            return $"ERR too many failed authentications from this address; retry in {(int)server.Failures.Window.TotalSeconds} s";
        }

        Span<char> chars = stackalloc char[Math.Min(apiKey.Length, 1024)];
        var valid = apiKey.Length <= chars.Length && Encoding.Latin1.GetChars(apiKey, chars) == apiKey.Length
            && server.ApiKeys.TryValidate(chars[..apiKey.Length], out var bucketId)
            ? bucketId : null;
        if (valid is null)
        {
            server.Failures.RecordFailure(address);
            RespLog.AuthenticationFailed(server.Logger, address?.ToString());
            return "WRONGPASS invalid username-password pair or user is disabled.";
        }

        if (valid != _bucketId)
        {
            // Another key: nothing watched in the old bucket means anything in the new one.
            _watched = null;
        }

        _bucketId = valid;
        _apiKey = Encoding.Latin1.GetString(apiKey);
        _bucket = server.Bucket(valid);
        return null;
    }

    private static void WrongArity(IBufferWriter<byte> output, string name) =>
        RespWriter.Error(output, $"ERR wrong number of arguments for '{name}' command");
}
